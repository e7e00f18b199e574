import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { unifiedDiff } from "./unified.ts";
import { diffManifests, invokedFiles, summarizeDiff, RELEASE_DIFF_LIMITS } from "./diff.ts";
import { actorPackage, joinDeviations } from "./join.ts";
import type { InstallManifest } from "../protocol/manifest.ts";

const golden = (k: string) => JSON.parse(readFileSync(join(import.meta.dir, "../../tests/fixtures/manifests", `${k}.json`), "utf8")) as InstallManifest;

describe("unifiedDiff", () => {
  test("matches diff -u hunks (change, then an added last line)", () => {
    expect(unifiedDiff("a\nb\nc\nd\ne\nf\ng\nh\ni\nj", "a\nb\nC\nd\ne\nf\ng\nh\ni\nj\nk", { from: "x/1", to: "x/2" })).toBe(
      ["--- x/1", "+++ x/2", "@@ -1,6 +1,6 @@", " a", " b", "-c", "+C", " d", " e", " f", "@@ -8,3 +8,4 @@", " h", " i", " j", "+k"].join("\n"),
    );
  });
  test("equal texts: empty; from nothing: every line added", () => {
    expect(unifiedDiff("same", "same")).toBe("");
    expect(unifiedDiff("", "x\ny")).toBe("--- a\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y");
    expect(unifiedDiff("x\ny", "")).toBe("--- a\n+++ b\n@@ -1,2 +0,0 @@\n-x\n-y");
  });
  test("capped: output and input lines are bounded and say so", () => {
    const big = Array.from({ length: 5000 }, (_, i) => `line ${i}`).join("\n");
    const out = unifiedDiff("", big, { maxOut: 1000 });
    expect(out.length).toBeLessThan(1100);
    expect(out).toEndWith("… (diff capped)");
    expect(unifiedDiff("x", big, { maxOut: 1_000_000 })).toEndWith("… (only the first 2000 lines compared)");
  });
});

describe("diffManifests", () => {
  test("invokedFiles: the JS a script line runs inside its package, never outside it", () => {
    expect(invokedFiles("node ./lib/setup.js && node x.cjs --flag y.mjs")).toEqual(["lib/setup.js", "x.cjs", "y.mjs"]);
    expect(invokedFiles("node ../../evil.js /etc/x.js")).toEqual([]);
  });

  test("no baseline: every script listed as added, and the summary says there is nothing to compare with", () => {
    const d = diffManifests(golden("fangs-fixture-reldep@1.1.0"), undefined, null);
    expect(d.base).toBeNull();
    expect(d.scripts.map((s) => [s.package, s.change])).toEqual([["fangs-fixture-reldep", "added"], ["fangs-fixture-reldep-helper", "added"]]);
    expect(summarizeDiff(d)).toBe("no baseline release to compare with (2 lifecycle script(s) in the closure)");
  });

  test("a removed dependency and a changed dependency version", () => {
    const base = golden("fangs-fixture-reldep@1.1.0");
    const cur = structuredClone(base);
    cur.version = "1.2.0";
    cur.packages = cur.packages.filter((p) => p.name !== "fangs-fixture-reldep-helper");
    expect(diffManifests(cur, base, { run_id: "a".repeat(16), version: "1.1.0" }).deps).toEqual([{ name: "fangs-fixture-reldep-helper", change: "removed", before: ["1.0.0"], after: [], install_scripts: true, scripts: [{ step: "postinstall", command: "node setup.js" }], resolved: "http://127.0.0.1:4873/fangs-fixture-reldep-helper/-/fangs-fixture-reldep-helper-1.0.0.tgz", integrity: expect.stringMatching(/^sha512-/) }]);
    const bumped = structuredClone(base);
    bumped.packages[1].version = "1.0.1";
    expect(diffManifests(bumped, base, { run_id: "a".repeat(16), version: "1.1.0" }).deps[0]).toMatchObject({ change: "changed", before: ["1.0.0"], after: ["1.0.1"] });
  });

  test("a dependency whose script file changed under the same script line is a changed script", () => {
    const base = golden("fangs-fixture-reldep@1.1.0");
    const cur = structuredClone(base);
    const h = cur.packages.find((p) => p.name === "fangs-fixture-reldep-helper")!;
    h.version = "1.0.1";
    h.texts = { ...h.texts, "setup.js": "require('child_process').execSync('sh');\n" };
    const d = diffManifests(cur, base, { run_id: "a".repeat(16), version: "1.1.0" });
    expect(d.scripts).toHaveLength(1);
    expect(d.scripts[0]).toMatchObject({ package: "fangs-fixture-reldep-helper", change: "changed", before: "node setup.js", after: "node setup.js", diff: "" });
    expect(d.scripts[0].files[0].diff).toContain("+require('child_process').execSync('sh');");
  });

  test("the total diff budget bounds a hostile release", () => {
    const base = golden("fangs-fixture-reldocs@1.0.0");
    const cur = structuredClone(golden("fangs-fixture-reldocs@1.1.0"));
    const root = cur.packages[0];
    for (let i = 0; i < 100; i++) {
      const text = `${i}\n`.repeat(4000);
      root.files!.push({ path: `f${i}.txt`, size: text.length, sha256: "0".repeat(64) });
      root.texts![`f${i}.txt`] = text;
    }
    const d = diffManifests(cur, base, { run_id: "a".repeat(16), version: "1.0.0" });
    expect(d.truncated).toBe(true);
    expect(d.files.reduce((n, f) => n + (f.diff?.length ?? 0), 0)).toBeLessThan(RELEASE_DIFF_LIMITS.totalDiffBytes + 64 * 100);
  });
});

describe("join", () => {
  test("actorPackage reads today's actor and a scoped one", () => {
    expect(actorPackage("script:evil:/usr/bin/node")).toBe("evil");
    expect(actorPackage("script:@scope/pkg:/usr/bin/node")).toBe("@scope/pkg");
    expect(actorPackage("script:?:/bin/sh")).toBeNull();
    expect(actorPackage("npm")).toBeNull();
  });

  test("the step comes from the ancestor `sh -c` npm ran when a package has several scripts", () => {
    const m = structuredClone(golden("fangs-fixture-reldep@1.1.0"));
    const h = m.packages.find((p) => p.name === "fangs-fixture-reldep-helper")!;
    h.scripts = [{ step: "preinstall", command: "node pre.js" }, { step: "postinstall", command: "node setup.js" }];
    const devs = [{ category: "fs_new_path_read", actor: "script:fangs-fixture-reldep-helper:/usr/bin/node", value: "/root/.ssh/id_rsa", severity: "high", pids: [31, 30, 10] }];
    const d = diffManifests(m, golden("fangs-fixture-reldep@1.0.0"), { run_id: "a".repeat(16), version: "1.0.0" });
    expect(joinDeviations(d, m, devs, [{ pid: 20, command: "node pre.js" }, { pid: 30, command: "node setup.js" }])[0]).toMatchObject({ step: "postinstall", command: "node setup.js", script_change: "new in this release" });
    // Without the shell evidence: both steps, no single command claimed.
    expect(joinDeviations(d, m, devs, [])[0]).toMatchObject({ step: "preinstall/postinstall", command: null });
    expect(joinDeviations(d, m, [{ ...devs[0], actor: "proc:/usr/bin/curl" }])[0].line).toBe("outside npm → read /root/.ssh/id_rsa");
  });
});
