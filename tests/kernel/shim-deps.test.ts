// The sensor shim embedded in dist/fangs links libbpf, libelf and zlib in
// statically (native/vendor.sh + native/Makefile), so a runner host needs
// glibc alone: its dynamic dependencies, its exports, and a sensor that still
// loads and attaches with the system's libbpf/libelf/libz made unloadable.
import { expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { fangs, fangsBin, REPO, tempDir } from "../lib/env.ts";

const GLIBC = new Set(["libc.so.6", "ld-linux-x86-64.so.2"]);
const BUILT = join(REPO, "native/build/libfangs.so");

function run(argv: string[]): { code: number; stdout: string; stderr: string } {
  const p = Bun.spawnSync(argv, { stdout: "pipe", stderr: "pipe" });
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

test("the embedded shim is the one native/ built, and it needs glibc alone", () => {
  const shim = embeddedShim();
  expect(existsSync(BUILT)).toBe(true);
  expect(Buffer.compare(readFileSync(shim), readFileSync(BUILT))).toBe(0);

  const dyn = run(["readelf", "-d", "-W", shim]);
  expect(dyn.code).toBe(0);
  const needed = [...dyn.stdout.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]!);
  expect(needed).toContain("libc.so.6");
  expect(needed.filter((n) => !GLIBC.has(n))).toEqual([]);

  // ldd resolves transitively: nothing beyond the vDSO and glibc either.
  const ldd = run(["ldd", shim]);
  expect(ldd.code).toBe(0);
  const libs = ldd.stdout.split("\n").map((l) => l.trim().split(/\s+/)[0]!).filter((n) => n && n !== "linux-vdso.so.1");
  expect(libs.filter((n) => !GLIBC.has(n.replace(/^.*\//, "")))).toEqual([]);
});

test("the shim exports only its own entry points (vendored libraries stay hidden)", () => {
  const nm = run(["nm", "-D", "--defined-only", BUILT]);
  expect(nm.code).toBe(0);
  const exported = nm.stdout.split("\n").map((l) => l.trim().split(/\s+/)[2]).filter((s): s is string => !!s);
  expect(exported).toContain("fangs_open");
  expect(exported.filter((s) => !/^(fangs|rb)_/.test(s))).toEqual([]);
});

test("runner doctor attaches probes with the system libbpf, libelf and zlib unloadable", () => {
  // A private mount namespace with /dev/null bound over each library file (the
  // ones that exist here): dlopen of anything needing them would fail.
  const hide = ["libbpf.so.1", "libelf.so.1", "libz.so.1"]
    .map((n) => `/lib/x86_64-linux-gnu/${n}`)
    .filter((p) => existsSync(p))
    .map((p) => realpathSync(p));
  const script = [...hide.map((p) => `mount --bind /dev/null '${p}' || exit 90`), 'exec "$@"'].join("; ");
  const r = run(["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", fangsBin(), "runner", "doctor", "--json"]);
  expect(r.code).not.toBe(90);
  expect(r.stderr).toBe("");
  const { checks } = JSON.parse(r.stdout) as { checks: { name: string; ok: boolean }[] };
  const byName = new Map(checks.map((c) => [c.name, c.ok]));
  for (const name of ["bpf", "probe sys_enter_openat", "probe sys_enter_execve", "probe sys_enter_connect"]) {
    expect([name, byName.get(name)]).toEqual([name, true]);
  }
});
