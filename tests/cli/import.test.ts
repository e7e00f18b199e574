// `fangs package import` for each lockfile format (tests/fixtures/lockfiles)
// against a loopback fake registry: the closure is watched with its settings
// and kickoff scans, -only-install-scripts and -dry-run, re-import reports
// what left, and hostile names refuse the whole file with nothing written.
import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../lib/env.ts";
import { expectOneLineError, fangsAsync, freshDb, packumentRegistry } from "./helpers.ts";

const FIXTURES = join(import.meta.dir, "../fixtures/lockfiles");
// Full-format packuments (application/json): install code is read from scripts/gypfile.
const PACKUMENTS: Record<string, unknown> = {
  "/left-pad": { name: "left-pad", "dist-tags": { latest: "1.3.1" }, versions: { "1.3.0": { scripts: { test: "tape" } }, "1.3.1": { scripts: {} } } },
  "/@scope%2fnative": { name: "@scope/native", "dist-tags": { latest: "2.0.0" }, versions: { "2.0.0": { gypfile: true } } },
  "/has-postinstall": { name: "has-postinstall", "dist-tags": { latest: "1.0.0" }, versions: { "1.0.0": { scripts: { postinstall: "node setup.js" } } } },
  // No scripts field in a full packument: FANGS cannot tell, so it counts as running code.
  "/plain-dep": { name: "plain-dep", "dist-tags": { latest: "0.1.0" }, versions: { "0.1.0": {} } },
  "/new-pkg": { name: "new-pkg", "dist-tags": { latest: "3.0.0" }, versions: { "3.0.0": { scripts: {} } } },
};

const REG = packumentRegistry(PACKUMENTS);
const env = () => ({ FANGS_REGISTRY: REG() });

/** A fixture lockfile with the test registry's URL in it, in a fresh folder. */
function fixture(rel: string, edit: (text: string) => string = (t) => t): string {
  const dir = tempDir("fangs-lock-");
  const name = rel.split("/").pop()!;
  const path = join(dir, name);
  writeFileSync(path, edit(readFileSync(join(FIXTURES, rel), "utf8").replaceAll("{{REGISTRY}}", REG())));
  return path;
}

async function json(args: string[], db: string): Promise<any> {
  const r = await fangsAsync([...args, "--json", "-db", db], env());
  if (r.code !== 0) throw new Error(`fangs ${args.join(" ")}: exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const ALL = ["@scope/native", "has-postinstall", "left-pad", "plain-dep"];
const NOT_REGISTRY = { package: "git-dep", reason: expect.stringContaining("not from a registry") };

describe.each([
  ["npm v3", "package-lock.json", "npm"],
  ["yarn v1", "yarn.lock", "yarn-v1"],
  ["pnpm v9", "pnpm-lock.yaml", "pnpm"],
  ["pnpm v6", "pnpm-v6/pnpm-lock.yaml", "pnpm"],
])("%s", (_label, rel, format) => {
  test("watches the closure with its settings, kickoff scans of the locked versions; skips what is not from the registry", async () => {
    const db = freshDb();
    const file = fixture(rel);
    const r = await fangsAsync(["package", "import", file, "-network", "none", "-memory", "1024", "--json", "-db", db], env());
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("checking 5 package(s) on");
    expect(r.stderr).toContain("checked 5/5");
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ source: file, format, registry: REG(), dry_run: false, already_watched: [], left: [], settings: { network: "none", memory_mb: 1024 } });
    expect(out.added.map((x: { package: string }) => x.package)).toEqual(ALL);
    expect(out.skipped).toEqual(expect.arrayContaining([NOT_REGISTRY, { package: "gone-pkg", reason: `not on ${REG()}` }]));
    expect(out.skipped).toHaveLength(2);
    // Kickoff scans of the locked versions, with the import's settings.
    const runs = await json(["run", "list"], db);
    expect(runs.map((x: { package: string; version: string }) => `${x.package}@${x.version}`).sort()).toEqual(["@scope/native@2.0.0", "has-postinstall@1.0.0", "left-pad@1.3.0", "plain-dep@0.1.0"]);
    const shown = await json(["run", "show", runs[0].id], db);
    expect(shown.spec).toMatchObject({ network: "none", memory_mb: 1024, registry_url: REG() });
    // The watch list knows where each came from.
    const watched = await json(["package", "watched", "-source", file], db);
    expect(watched.map((p: { package: string }) => p.package)).toEqual(ALL);
    expect(watched[0]).toMatchObject({ sources: [file], settings: { network: "none", memory_mb: 1024 }, last_seen_version: "2.0.0" });
    expect(await json(["package", "watched", "-source", join(tempDir("x-"), "other.lock")], db)).toEqual([]);
  });

  test("-only-install-scripts keeps what runs code at install (lockfile first, then the packument)", async () => {
    const db = freshDb();
    const out = await json(["package", "import", fixture(rel), "-only-install-scripts", "-skip-initial-scan"], db);
    const kept = out.added.map((x: { package: string }) => x.package);
    expect(kept).toContain("@scope/native");
    expect(kept).toContain("has-postinstall");
    expect(kept).not.toContain("left-pad");
    expect(out.skipped).toContainEqual({ package: "left-pad", reason: "no install script" });
    // npm v2+/pnpm v6 lockfiles record install scripts (plain-dep has none);
    // yarn and pnpm v9 do not, and plain-dep's packument cannot tell: watched, to be safe.
    if (format === "npm" || rel.includes("v6")) expect(out.skipped).toContainEqual({ package: "plain-dep", reason: "no install script" });
    else expect(kept).toContain("plain-dep");
    expect(await json(["run", "list"], db)).toEqual([]);
  });

  test("-dry-run reports and writes nothing", async () => {
    const db = freshDb();
    const r = await fangsAsync(["package", "import", fixture(rel), "-dry-run", "-db", db], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("4 would add, 0 already watched, 2 skipped, 0 left");
    expect(r.stdout).toContain("dry run: nothing written");
    expect(await json(["package", "watched"], db)).toEqual([]);
    expect(await json(["run", "list"], db)).toEqual([]);
  });
});

test("re-importing an updated lockfile adds the new ones and reports the ones that left", async () => {
  const db = freshDb();
  const file = fixture("package-lock.json");
  await json(["package", "import", file, "-skip-initial-scan"], db);
  // left-pad leaves (both the direct entry and the alias), new-pkg arrives.
  const doc = JSON.parse(readFileSync(file, "utf8"));
  delete doc.packages["node_modules/left-pad"];
  delete doc.packages["node_modules/my-alias"];
  doc.packages["node_modules/new-pkg"] = { version: "3.0.0", resolved: `${REG()}new-pkg/-/new-pkg-3.0.0.tgz` };
  writeFileSync(file, JSON.stringify(doc));
  const r = await fangsAsync(["package", "import", file, "-skip-initial-scan", "-db", db], env());
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("1 added, 3 already watched, 2 skipped, 1 left");
  expect(r.stdout).toContain("left the lockfile (still watched; fangs package remove NAME to stop): left-pad");
  const fromFile = await json(["package", "watched", "-source", file], db);
  expect(fromFile.map((p: { package: string }) => p.package)).toEqual(["@scope/native", "has-postinstall", "new-pkg", "plain-dep"]);
  // Still watched, no longer attributed to the lockfile; a third import reports nothing new.
  expect((await json(["package", "watched"], db)).find((p: { package: string }) => p.package === "left-pad")).toMatchObject({ sources: [] });
  const again = await json(["package", "import", file, "-skip-initial-scan"], db);
  expect(again).toMatchObject({ added: [], left: [] });
  expect(again.already_watched).toHaveLength(4);
  // The import is audited.
  expect(JSON.stringify(await json(["audit"], db))).toContain("package.import");
});

test("a package the lockfile resolved from another registry is not watched from this one", async () => {
  const db = freshDb();
  const file = fixture("package-lock.json", (t) => t.replace(`${REG()}has-postinstall/`, "https://npm.corp.example/has-postinstall/"));
  const out = await json(["package", "import", file, "-skip-initial-scan"], db);
  expect(out.skipped).toContainEqual({ package: "has-postinstall", reason: `resolved from https://npm.corp.example/, not ${REG()} (import with -registry-url https://npm.corp.example/)` });
  expect(out.added.map((x: { package: string }) => x.package)).not.toContain("has-postinstall");
  expect((await json(["package", "watched"], db)).map((p: { package: string }) => p.package)).not.toContain("has-postinstall");
});

// Hostile lockfiles: one line on stderr, exit 1, nothing written (the valid entries neither).
const HOSTILE: Array<[string, string, (t: string) => string, RegExp]> = [
  ["npm: path traversal in a key", "package-lock.json", (t) => t.replace('"node_modules/gone-pkg"', '"node_modules/../../../etc/passwd"'), /package-lock\.json: packages\["node_modules\/\.\.\/\.\.\/\.\.\/etc\/passwd"\]: "\.\.\/\.\.\/\.\.\/etc\/passwd" is not a valid npm package name/],
  ["npm: control characters in a name", "package-lock.json", (t) => t.replace('"node_modules/gone-pkg"', '"node_modules/evil\\u001b[31mred"'), /package-lock\.json: packages\[.*\]: "evil\\u001b\[31mred" is not a valid npm package name/],
  ["npm: an alias to a traversal", "package-lock.json", (t) => t.replace('"name": "left-pad"', '"name": "../x"'), /"\.\.\/x" is not a valid npm package name/],
  ["yarn: path traversal", "yarn.lock", (t) => t.replace("gone-pkg@1.0.0:", '"../../x@1.0.0":'), /yarn\.lock: line \d+: "\.\.\/\.\.\/x" is not a valid npm package name/],
  ["yarn: berry lockfile", "yarn.lock", () => "__metadata:\n  version: 6\n", /yarn berry \(v2\+\) lockfile/],
  ["pnpm: traversal key", "pnpm-lock.yaml", (t) => t.replace("gone-pkg@1.0.0:", "'../../etc@1.0.0':"), /pnpm-lock\.yaml: packages\["\.\.\/\.\.\/etc@1\.0\.0"\]: "\.\.\/\.\.\/etc" is not a valid npm package name/],
  ["pnpm: not YAML", "pnpm-lock.yaml", () => "lockfileVersion: '9.0'\npackages: [\n", /pnpm-lock\.yaml: document: not valid YAML/],
  ["npm: not JSON", "package-lock.json", () => "{ nope", /package-lock\.json: document: not valid JSON/],
];

describe("hostile lockfiles", () => {
  test.each(HOSTILE)("%s", async (_n, rel, edit, err) => {
    const db = freshDb();
    expectOneLineError(await fangsAsync(["package", "import", fixture(rel, edit), "-db", db], env()), err);
    expect(await json(["package", "watched"], db)).toEqual([]);
    expect(await json(["run", "list"], db)).toEqual([]);
  });

  test("a missing file and an unknown format", async () => {
    const db = freshDb();
    expectOneLineError(await fangsAsync(["package", "import", "/nonexistent/package-lock.json", "-db", db], env()), /cannot read \/nonexistent\/package-lock\.json: ENOENT/);
    const dir = tempDir("fangs-lock-");
    mkdirSync(join(dir, "x"));
    writeFileSync(join(dir, "x", "deps.txt"), "lodash\n");
    expectOneLineError(await fangsAsync(["package", "import", join(dir, "x", "deps.txt"), "-db", db], env()), /deps\.txt: not a lockfile FANGS reads/);
  });
});
