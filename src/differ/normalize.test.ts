import { describe, expect, test } from "bun:test";
import { endpointValue, normalizeHost, normalizePath } from "./normalize.ts";

// [input, expected]: each row is noise one honest run differs from another by.
const PATHS: [string, string][] = [
  ["/root/.npm/_cacache/content-v2/sha512/ab/cd/0123456789abcdef0123", "/root/.npm/_cacache/<cache>"],
  ["/root/.npm/_cacache/index-v5/1f/2e/3d4c", "/root/.npm/_cacache/<cache>"],
  ["/root/.npm/_cacache/tmp/8f3a2b1c", "/root/.npm/_cacache/<cache>"],
  ["/root/.npm/_logs/2026-11-22T08_14_31_441Z-debug-0.log", "/root/.npm/_logs/<log>"],
  ["/root/.npm/_npx/6a4c1d2e3f/package.json", "/root/.npm/_npx/<hash>/package.json"],
  ["/tmp/npm-1234-abcdef01/staging.json", "/tmp/npm-<tmp>/staging.json"],
  ["/app/node_modules/.staging/lodash-8a7b6c5d/package.json", "/app/node_modules/.staging/<staging>"],
  ["/app/node_modules/.lodash-Xy12AbCd/package.json", "/app/node_modules/.lodash-<rand>/package.json"],
  ["/app/node_modules/@scope/.pkg-Xy12AbCd/index.js", "/app/node_modules/@scope/.pkg-<rand>/index.js"],
  ["/proc/4711/environ", "/proc/<pid>/environ"],
  ["/proc/4711/task/4712/stat", "/proc/<pid>/task/<tid>/stat"],
  ["/proc/self/fd/17", "/proc/self/fd/<fd>"],
  ["/dev/pts/3", "/dev/pts/<n>"],
  ["/tmp/demo-build-aBcDeF/out.o", "/tmp/demo-build-<rand>/out.o"],
  ["/tmp/tmp-93812-Q3xZr9kLmN0p", "/tmp/tmp-<n>-<rand>"],
  ["/tmp/a8f3e1c29b7d4e50", "/tmp/<rand>"],
  ["/root/.cache/node-gyp/20.11.1/include/node/node.h", "/root/.cache/node-gyp/<ver>/include/node/node.h"],
  ["/root/.cache/demo-pkg/1.0.0-beta.2/settings.json", "/root/.cache/demo-pkg/<ver>/settings.json"],
  ["/opt/node-v20.11.1-linux-x64/bin/node", "/opt/node-<ver>-linux-x64/bin/node"],
  ["/sys/fs/cgroup/fangs/0123456789abcdef/cpu.max", "/sys/fs/cgroup/fangs/<hash>/cpu.max"],
  ["/app//node_modules/./x/../y/a.js", "/app/node_modules/y/a.js"],
  ["/app/node_modules/a/node_modules/b/install.js", "/app/node_modules/b/install.js"],
  ["/app/node_modules/@s/a/node_modules/@t/b/node_modules/c/x.js", "/app/node_modules/c/x.js"],
  ["/app/node_modules/a/node_modules/.bin/sh", "/app/node_modules/.bin/sh"],
  ["/var/lib/docker/overlay2/0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0/merged/etc/hosts", "<rootfs>/etc/hosts"],
  ["/srv/install/node_modules/widget/build/out-4711.txt", "/srv/install/node_modules/widget/build/out-<n>.txt"],
  ["/srv/install/node_modules/@s/w/logs/run-1733450000123-7.log", "/srv/install/node_modules/@s/w/logs/run-<n>-<n>.log"],
  ["/srv/install/node_modules/es6-shim/lib/part2.js", "/srv/install/node_modules/es6-shim/lib/part<n>.js"],
  ["/tmp/.cache-x8Kd9a", "/tmp/.cache-<rand>"],
  ["/root/.cache/swc-native-0/v1/publish-UcwMVy.tmp", "/root/.cache/swc-native-0/v1/publish-<rand>.tmp"],
  ["/data/docker/overlay2/0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0/merged", "<rootfs>"],
];

// Things that must survive normalization: they are the signal.
const KEPT: string[] = [
  "/root/.npmrc",
  "/root/.cache/tools/update-helper.tmp", // a chosen name: no random-looking suffix
  "/root/.config/x-Ab3dE9.tmp", // outside a cache dir
  "/root/.ssh/id_rsa",
  "/etc/passwd",
  "/lib/x86_64-linux-gnu/libc.so.6",
  "/usr/lib/x86_64-linux-gnu/libssl.so.3",
  "/app/node_modules/demo-pkg/install.js",
  "/usr/bin/sha256sum",
  // Names an attacker chose outside a package's own directory keep every character.
  "/tmp/.cache-updater",
  "/root/out-4711.txt",
  "/srv/install/out-4711.txt",
  "/srv/install/node_modules/.bin/tool2",
];

describe("normalizePath", () => {
  test.each(PATHS)("%s → %s", (input, expected) => {
    expect(normalizePath(input)).toBe(expected);
  });
  test.each(KEPT.map((k) => [k]))("%s is kept as is", (p) => {
    expect(normalizePath(p)).toBe(p);
  });
  test("run-to-run numbers in a package's own file names: two honest runs, one value", () => {
    const run = (pid: number, ms: number) => normalizePath(`/srv/install/node_modules/widget/build/out-${pid}-${ms}.txt`);
    expect(run(37, 1733450000123)).toBe(run(38, 1733450009999));
  });
  test("two honest temp names normalize to one value", () => {
    expect(normalizePath("/tmp/npm-11-aaaa1111/x")).toBe(normalizePath("/tmp/npm-922-bbbb2222/x"));
  });
});

describe("hosts and endpoints", () => {
  test.each([
    ["Registry.NPMJS.org.", "registry.npmjs.org"],
    ["exfil.example", "exfil.example"],
  ])("host %s → %s", (a, b) => expect(normalizeHost(a)).toBe(b));
  test.each([
    ["inet", "203.0.113.7", 443, "tcp", "203.0.113.7:443"],
    ["inet", "192.0.2.53", 53, "udp", "192.0.2.53:53/udp"],
    ["inet6", "2001:DB8::1", 443, "tcp", "[2001:db8::1]:443"],
    ["inet6", "::ffff:198.51.100.9", 80, "tcp", "198.51.100.9:80"],
    ["unix", "/run/nscd/socket", 0, "unknown", "unix:/run/nscd/socket"],
  ] as const)("%s %s:%d/%s → %s", (fam, addr, port, proto, out) => expect(endpointValue(fam, addr, port, proto)).toBe(out));
  test.each([
    ["192.0.2.53", 53, "udp", "connect", "<resolver>:53/udp"], // the name server npm used
    ["203.0.113.53", 53, "udp", "connect", "203.0.113.53:53/udp"], // some other name server
    ["127.0.0.1", 40123, "tcp", "connect", "127.0.0.1:<ephemeral>"],
    ["198.51.100.7", 40123, "tcp", "connect", "198.51.100.7:40123"], // remote ports are kept
    ["0.0.0.0", 4444, "tcp", "listen", "0.0.0.0:4444"],
    ["127.0.0.1", 38489, "tcp", "listen", "127.0.0.1:<ephemeral>"],
  ] as const)("%s:%d/%s (%s) → %s", (addr, port, proto, role, out) => {
    expect(endpointValue("inet", addr, port, proto, role, new Set(["192.0.2.53"]))).toBe(out);
  });
});
