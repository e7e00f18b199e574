// The shim mounts tracefs and bpffs when they are missing (issue 4: "tracefs
// and bpffs are mounted when missing"), and leaves a mounted one alone. Done on
// empty directories of the test's own, so the host's mounts are not touched.
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, readFileSync, statfsSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../lib/env.ts";
import { nativeEnsureMount } from "../../src/sensor/ffi.ts";

const dir = tempDir("fangs-mounts-");
const mounted: string[] = [];
afterAll(() => {
  for (const m of mounted.reverse()) Bun.spawnSync(["umount", m]);
});

const isMountPoint = (path: string) => readFileSync("/proc/self/mounts", "utf8").split("\n").some((l) => l.split(" ")[1] === path);

test.each([
  ["tracefs", 0x74726163],
  ["bpf", 0xcafe4a11],
] as const)("%s: mounted on an empty directory, then found present", (fstype, magic) => {
  const at = join(dir, fstype);
  mkdirSync(at);
  expect(isMountPoint(at)).toBe(false);
  expect(nativeEnsureMount(fstype, at)).toBe("mounted");
  mounted.push(at);
  expect(isMountPoint(at)).toBe(true);
  expect(statfsSync(at).type).toBe(magic);
  expect(nativeEnsureMount(fstype, at)).toBe("present");
});

test("a path that cannot be mounted is one sentence naming it", () => {
  expect(() => nativeEnsureMount("tracefs", join(dir, "does-not-exist"))).toThrow(/cannot mount tracefs at .*does-not-exist: No such file or directory/);
});
