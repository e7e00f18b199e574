import { describe, expect, test } from "bun:test";
import { isExactVersion, packageNameError, resolveVersion } from "./npm_names.ts";

describe("package names (npm's rules)", () => {
  test.each(["left-pad", "lodash.merge", "@types/node", "@scope/a_b.c-d", "JSONStream", "a", "x".repeat(214)])("%s is valid", (n) => {
    expect(packageNameError(n)).toBeUndefined();
  });
  test.each(["", "~x", "x~", "a!b", "(a)", "a*", "it's", ".hidden", "_private", "node_modules", "favicon.ico", " x", "x ", "a b", "a/b", "@scope", "@/x", "@s/", "@s/x/y", "%41", "é", "x".repeat(215), "a\nb", "<script>"])("%j is refused", (n) => {
    expect(packageNameError(n)).toBeString();
  });
});

describe("exact versions", () => {
  test.each(["1.0.0", "0.0.1", "10.20.30", "1.0.0-beta.1", "1.0.0-rc.1+build.5", "1.0.0+20130313144700"])("%s is exact", (v) => {
    expect(isExactVersion(v)).toBe(true);
  });
  test.each(["latest", "not-semver", "1.0", "1", "01.0.0", "1.0.0-", "^1.0.0", "~1.2.3", "1.x", ">=1.0.0", "v1.0.0", " 1.0.0", "1.0.0 ", ""])("%j is not", (v) => {
    expect(isExactVersion(v)).toBe(false);
  });
});

describe("resolving a tag or range on the registry", () => {
  const p = { "dist-tags": { latest: "1.2.0", next: "2.0.0-rc.1", gone: "9.9.9" }, versions: { "1.0.0": {}, "1.1.0": {}, "1.2.0": {}, "1.10.0": {}, "2.0.0-rc.1": {} } };
  test.each([
    ["latest", "1.2.0"],
    ["next", "2.0.0-rc.1"],
    ["^1.0.0", "1.10.0"],
    ["~1.1.0", "1.1.0"],
    ["1.x", "1.10.0"],
    ["1.0.0", "1.0.0"],
    ["3.0.0", undefined],
    ["^5", undefined],
    ["gone", undefined],
    ["no-such-tag", undefined],
  ])("%s → %s", (spec, want) => {
    expect(resolveVersion(p, spec)).toBe(want as string | undefined);
  });
});
