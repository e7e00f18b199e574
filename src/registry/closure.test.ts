// The closure walk on in-memory packuments: what counts as install code, how
// ranges resolve, and that every doubt answers "cannot tell".
import { describe, expect, test } from "bun:test";
import { closureInstallCode, resolveRange, type Doc } from "./closure.ts";
import { runsInstallCode } from "./install_code.ts";

const doc = (name: string, versions: Record<string, Record<string, unknown>>, latest = Object.keys(versions).at(-1)!, abbreviated = true): Doc => ({ packument: { name, "dist-tags": { latest }, versions }, abbreviated });

async function check(root: Doc, others: Doc[], version = root.packument["dist-tags"].latest!) {
  const by = new Map(others.map((d) => [d.packument.name, d]));
  return closureInstallCode({ name: root.packument.name, version, doc: root }, async (n) => by.get(n));
}

describe("install code in version metadata", () => {
  test.each([
    [{ hasInstallScript: true }, true, true],
    [{ gypfile: true }, false, true],
    [{ scripts: { postinstall: "node x" } }, false, true],
    [{ scripts: { preinstall: "x" } }, false, true],
    [{ scripts: { test: "x", prepare: "tsc" } }, false, false],
    [{}, true, false],
    [{}, false, undefined], // full packument without scripts: cannot tell
  ])("%j (abbreviated %p) → %p", (meta, abbreviated, want) => expect(runsInstallCode(meta, abbreviated)).toBe(want));
});

describe("closure", () => {
  test("no install code anywhere, ranges resolved to latest or the highest match", async () => {
    const a = await check(doc("root", { "1.0.0": { dependencies: { b: "^1.0.0", c: "~2.1.0" }, optionalDependencies: { gone: "^1" } } }), [
      doc("b", { "1.0.0": { hasInstallScript: true }, "1.4.0": {}, "2.0.0": { hasInstallScript: true } }, "1.4.0"),
      doc("c", { "2.1.0": {}, "2.1.5": { dependencies: { b: "^1.2.0" } }, "2.2.0": { hasInstallScript: true } }, "2.2.0"),
    ]);
    expect(a).toMatchObject({ runsCode: false, checked: 3 });
  });

  test("a required peer with a script counts; an optional peer does not", async () => {
    const peer = doc("p", { "1.0.0": { hasInstallScript: true } });
    expect((await check(doc("root", { "1.0.0": { peerDependencies: { p: "1" } } }), [peer])).runsCode).toBe(true);
    expect((await check(doc("root", { "1.0.0": { peerDependencies: { p: "1" }, peerDependenciesMeta: { p: { optional: true } } } }), [peer])).runsCode).toBe(false);
  });

  test.each([
    ["a git dependency", { dependencies: { x: "github:o/x" } }, /not a registry range/],
    ["an npm: alias", { dependencies: { x: "npm:y@1" } }, /not a registry range/],
    ["a missing dependency", { dependencies: { nope: "^1" } }, /not on the registry/],
    ["an unsatisfiable range", { dependencies: { d: "^9" } }, /no version of d satisfies/],
    ["bundled dependencies", { bundleDependencies: ["d"] }, /bundles dependencies/],
    ["a shrinkwrap", { _hasShrinkwrap: true }, /ships a shrinkwrap/],
  ])("%s → cannot tell", async (_n, meta, reason) => {
    const a = await check(doc("root", { "1.0.0": meta }), [doc("d", { "1.0.0": {} })]);
    expect(a.runsCode).toBeUndefined();
    expect(a.reason).toMatch(reason);
  });

  test("a closure over the limit cannot be told", async () => {
    const chain = Array.from({ length: 10 }, (_, i) => doc(`n${i}`, { "1.0.0": i < 9 ? { dependencies: { [`n${i + 1}`]: "1" } } : {} }));
    const a = await closureInstallCode({ name: "n0", version: "1.0.0", doc: chain[0] }, async (n) => chain.find((d) => d.packument.name === n), 5);
    expect(a).toMatchObject({ runsCode: undefined, reason: "closure larger than 5 packages" });
  });

  test("resolveRange follows npm: latest when it satisfies", () => {
    const d = doc("x", { "1.0.0": {}, "1.5.0": {}, "2.0.0-beta.1": {} }, "1.0.0").packument;
    expect(resolveRange(d, "^1.0.0")).toBe("1.0.0");
    expect(resolveRange(d, ">=1.2.0 <2")).toBe("1.5.0");
    expect(resolveRange(d, "")).toBe("1.0.0");
    expect(resolveRange(d, "^3")).toBeUndefined();
  });
});
