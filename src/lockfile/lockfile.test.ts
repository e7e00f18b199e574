// The parsers on the shapes the CLI fixtures do not cover: npm lockfile v1
// (nested, aliases), pnpm v5 keys, yarn quoting; and names refused anywhere.
import { describe, expect, test } from "bun:test";
import { parseLockfile } from "./index.ts";

const names = (text: string, file: string) => parseLockfile(file, text).entries.map((e) => `${e.name}@${e.version}:${e.installScript}`);

describe("lockfile parsers", () => {
  test("npm v1: nested dependencies, an npm: alias, a git dependency", () => {
    const doc = {
      lockfileVersion: 1,
      dependencies: {
        a: { version: "1.0.0", resolved: "https://registry.npmjs.org/a/-/a-1.0.0.tgz", dependencies: { b: { version: "2.0.0" } } },
        alias: { version: "npm:@s/c@3.0.0" },
        g: { version: "git+https://example.invalid/g.git#abc" },
      },
    };
    const lock = parseLockfile("package-lock.json", JSON.stringify(doc));
    expect(lock.entries.map((e) => `${e.name}@${e.version}:${e.installScript}`)).toEqual(["a@1.0.0:undefined", "b@2.0.0:undefined", "@s/c@3.0.0:undefined"]);
    expect(lock.skipped.map((s) => s.name)).toEqual(["g"]);
    expect(() => parseLockfile("package-lock.json", JSON.stringify({ lockfileVersion: 1, dependencies: { a: { version: "1.0.0", dependencies: { "..": { version: "1.0.0" } } } } }))).toThrow(/dependencies\["a"\]\.dependencies\[".."\]: ".." is not a valid npm package name/);
  });

  test("pnpm v5 keys with peer suffixes and requiresBuild", () => {
    const text = "lockfileVersion: 5.4\npackages:\n  /@s/a/1.0.0_react@17.0.0:\n    resolution: {integrity: sha512-x}\n    requiresBuild: true\n  /b/2.0.0:\n    resolution: {integrity: sha512-x}\n";
    expect(names(text, "pnpm-lock.yaml")).toEqual(["@s/a@1.0.0:true", "b@2.0.0:false"]);
  });

  test("yarn v1: quoted multi-spec keys, scoped names, aliases", () => {
    const text = '# yarn lockfile v1\n\n"@s/a@^1.0.0", "@s/a@^1.1.0":\n  version "1.1.0"\n  resolved "https://registry.yarnpkg.com/@s/a/-/a-1.1.0.tgz#x"\n\nx@npm:b@^2:\n  version "2.0.0"\n';
    expect(names(text, "yarn.lock")).toEqual(["@s/a@1.1.0:undefined", "b@2.0.0:undefined"]);
    expect(() => parseLockfile("yarn.lock", '# yarn lockfile v1\n\n"a@1", "b@1":\n  version "1.0.0"\n')).toThrow(/one block names several packages/);
  });

  test("format sniffing by content when the file name says nothing", () => {
    expect(parseLockfile("deps.lock", "# yarn lockfile v1\n\na@^1:\n  version \"1.0.0\"\n").format).toBe("yarn-v1");
    expect(parseLockfile("x.yaml", "lockfileVersion: '9.0'\npackages: {}\n").format).toBe("pnpm");
    expect(() => parseLockfile("x.txt", "lodash\n")).toThrow(/not a lockfile/);
  });
});
