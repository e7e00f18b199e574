import { describe, expect, test } from "bun:test";
import { tar } from "../runner/tar.ts";
import { untarFile } from "./untar.ts";
import { manifestContainerConfig, parseManifest } from "./collect.ts";
import { DEFAULT_SPEC } from "../protocol/sandbox.ts";

describe("untarFile", () => {
  const long = "d/" + "x".repeat(150) + "/manifest.json";
  const t = tar([{ type: "dir", path: "d" }, { type: "file", path: "a.txt", data: "A" }, { type: "file", path: "manifest.json", data: '{"ok":1}' }, { type: "file", path: long, data: "long" }]);
  test("finds a member, a PAX long name, and nothing else", () => {
    expect(new TextDecoder().decode(untarFile(t, "manifest.json", 100))).toBe('{"ok":1}');
    expect(new TextDecoder().decode(untarFile(t, long, 100))).toBe("long");
    expect(untarFile(t, "absent", 100)).toBeUndefined();
  });
  test("a member over the limit is an error, not an allocation", () => {
    expect(() => untarFile(t, "manifest.json", 3)).toThrow("manifest.json is 8 bytes (limit 3)");
  });
});

describe("manifest container", () => {
  const c = manifestContainerConfig({ runId: "0123456789abcdef", pkg: "p", version: "1.0.0", spec: DEFAULT_SPEC, image: "fangs-sandbox:latest" }) as any;
  test("script-free install, the sandbox's hardening and network, no bait", () => {
    expect(c.Cmd[2]).toContain('"--ignore-scripts"');
    expect(c.Cmd.slice(3)).toEqual(["p", "1.0.0", DEFAULT_SPEC.registry_url, "/srv/manifest.json", "/srv/install"]);
    expect(c.HostConfig).toMatchObject({ NetworkMode: DEFAULT_SPEC.network, CapDrop: ["ALL"], CapAdd: [], SecurityOpt: ["no-new-privileges:true"], Privileged: false, Binds: [], Mounts: [] });
    expect(c.Env.join("\n")).not.toMatch(/AWS|TOKEN|NPM_TOKEN/);
    expect(c.Labels["fangs.run"]).toBe("0123456789abcdef");
  });
  test("parseManifest: the runner's own edge refuses what the schema refuses", () => {
    expect(() => parseManifest('{"format":2}')).toThrow(/^manifest: format/);
    expect(() => parseManifest("x".repeat(9 * 1024 * 1024))).toThrow(/limit/);
  });
});
