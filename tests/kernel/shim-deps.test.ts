// The sensor shim embedded in dist/fangs links Debian's shared libbpf
// (native/Makefile): the build fetches nothing and never depends on which
// source version a Debian mirror serves, and a runner host needs libbpf1 (which
// brings libelf1 and zlib1g) — scripts/setup and deploy/README.md install it.
import { expect, test } from "bun:test";
import { cpSync, existsSync, readdirSync, readFileSync, realpathSync, writeFileSync, chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fangs, fangsBin, REPO, tempDir } from "../lib/env.ts";

const GLIBC = new Set(["libc.so.6", "ld-linux-x86-64.so.2"]);
const BUILT = join(REPO, "native/build/libfangs.so");

function run(argv: string[], env?: Record<string, string>): { code: number; stdout: string; stderr: string } {
  const p = Bun.spawnSync(argv, { stdout: "pipe", stderr: "pipe", env: { ...process.env, ...env } });
  return { code: p.exitCode ?? -1, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

/** Bun copies an embedded .so into $TMPDIR to dlopen it: fetch that copy. */
function embeddedShim(): string {
  const tmp = tempDir("fangs-shim-");
  const r = fangs(["sensor", "layout", "--json"], { env: { TMPDIR: tmp } });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const sos = readdirSync(tmp).filter((f) => f.endsWith(".so"));
  expect(sos).toHaveLength(1);
  return join(tmp, sos[0]!);
}

test("the embedded shim is the one native/ built, and it needs libbpf and glibc alone", () => {
  const shim = embeddedShim();
  expect(existsSync(BUILT)).toBe(true);
  expect(Buffer.compare(readFileSync(shim), readFileSync(BUILT))).toBe(0);

  const dyn = run(["readelf", "-d", "-W", shim]);
  expect(dyn.code).toBe(0);
  const needed = [...dyn.stdout.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]!);
  expect(needed).toContain("libc.so.6");
  expect(needed.filter((n) => !GLIBC.has(n))).toEqual(["libbpf.so.1"]);

  // ldd resolves transitively: libbpf's own libelf and zlib, all present.
  const ldd = run(["ldd", shim]);
  expect(ldd.code).toBe(0);
  expect(ldd.stdout).not.toContain("not found");
  const libs = ldd.stdout.split("\n").map((l) => l.trim().split(/\s+/)[0]!).filter((n) => n && n !== "linux-vdso.so.1");
  expect(libs.filter((n) => !GLIBC.has(n.replace(/^.*\//, ""))).sort()).toEqual(["libbpf.so.1", "libelf.so.1", "libz.so.1"]);
});

test("the shim exports only its own entry points", () => {
  const nm = run(["nm", "-D", "--defined-only", BUILT]);
  expect(nm.code).toBe(0);
  const exported = nm.stdout.split("\n").map((l) => l.trim().split(/\s+/)[2]).filter((s): s is string => !!s);
  expect(exported).toContain("fangs_open");
  expect(exported.filter((s) => !/^(fangs|rb)_/.test(s))).toEqual([]);
});

test("native/ builds from a clean tree with apt-get failing as a broken mirror does: it is never called", () => {
  // A copy of native/ (no build/ cache) and the one header it shares with bpf/.
  const dir = tempDir("fangs-native-build-");
  cpSync(join(REPO, "native"), join(dir, "native"), { recursive: true, filter: (src) => !src.includes("/native/build") });
  mkdirSync(join(dir, "bpf"));
  cpSync(join(REPO, "bpf/events.h"), join(dir, "bpf/events.h"));
  expect(existsSync(join(dir, "native/build"))).toBe(false);

  // apt-get, apt and dget on PATH fail like the mirror that served no
  // security-suite sources, and leave a mark when called.
  const bin = join(dir, "bin");
  mkdirSync(bin);
  const mark = join(dir, "apt-called");
  for (const name of ["apt-get", "apt", "dget"]) {
    const p = join(bin, name);
    writeFileSync(p, `#!/bin/sh\necho "$0 $*" >> '${mark}'\necho "E: Failed to fetch .../zlib_1.2.13.dfsg-1+deb12u1.dsc  404  Not Found" >&2\nexit 100\n`);
    chmodSync(p, 0o755);
  }
  const r = run(["make", "-s", "-C", join(dir, "native")], { PATH: `${bin}:${process.env.PATH}` });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  expect(existsSync(mark)).toBe(false);
  const so = join(dir, "native/build/libfangs.so");
  const dyn = run(["readelf", "-d", "-W", so]);
  expect(dyn.stdout).toContain("Shared library: [libbpf.so.1]");
});

test("without libbpf1 on the host the sensor says which package to install, in one line", () => {
  // A private mount namespace with /dev/null bound over libbpf.so.1: the
  // dynamic loader cannot map it, as on a host where libbpf1 is missing.
  const lib = realpathSync("/lib/x86_64-linux-gnu/libbpf.so.1");
  const script = `mount --bind /dev/null '${lib}' || exit 90; exec "$@"`;
  const r = run(["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", fangsBin(), "sensor", "layout"]);
  expect(r.code).toBe(1);
  const lines = r.stderr.trim().split("\n");
  expect(lines[0]).toMatch(/^Error: cannot load the sensor shim \(.*libbpf\.so\.1.*\)$/);
  expect(r.stderr).toContain("apt-get install libbpf1");
  expect(lines.length).toBeLessThanOrEqual(2);
});
