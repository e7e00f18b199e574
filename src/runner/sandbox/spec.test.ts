import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import { FinishRequest } from "../../protocol/runner.ts";
import { DEFAULT_SPEC } from "../../protocol/sandbox.ts";
import { baitEnv, baitValues, newBait } from "../bait.ts";
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { containerConfig, DEADLINE_GRACE_S, INIT_PROGRAM, installCommand } from "./spec.ts";
import { SECCOMP_OPT } from "./seccomp.ts";
import { plantArchives } from "./plant.ts";

const base = { runId: "0123456789abcdef", pkg: "left-pad", version: "1.3.0", spec: DEFAULT_SPEC, image: "fangs-sandbox:latest", npm: { allowAllScripts: true }, bait: newBait() };
const host = (over: Partial<typeof base> = {}) => containerConfig({ ...base, ...over }).HostConfig as Record<string, any>;

describe("sandbox container config: every hardening field of the threat model", () => {
  const cases: [string, (h: Record<string, any>, c: Record<string, any>) => unknown, unknown][] = [
    ["User is 0:0", (_, c) => c.User, "0:0"],
    ["CapDrop ALL", (h) => h.CapDrop, ["ALL"]],
    ["no capabilities added", (h) => h.CapAdd, []],
    ["no-new-privileges and the embedded seccomp profile", (h) => h.SecurityOpt, ["no-new-privileges:true", SECCOMP_OPT]],
    ["seccomp profile refuses what the trust section says", (h) => {
      const p = JSON.parse((h.SecurityOpt[1] as string).slice("seccomp=".length));
      const refused = new Set(p.syscalls.filter((s: any) => !s.args).flatMap((s: any) => s.names));
      return ["mount", "umount2", "unshare", "setns", "keyctl", "add_key", "ptrace", "process_vm_readv", "bpf", "perf_event_open", "io_uring_setup", "clone3", "init_module", "fsopen", "move_mount"].filter((n) => !refused.has(n));
    }, []],
    ["own cgroup namespace (the host cgroup path is not visible)", (h) => h.CgroupnsMode, "private"],
    ["not privileged", (h) => h.Privileged, false],
    ["PidsLimit 256", (h) => h.PidsLimit, 256],
    ["Memory 512 MB", (h) => h.Memory, 512 * 1024 * 1024],
    ["no swap beyond memory", (h) => h.MemorySwap, 512 * 1024 * 1024],
    ["NanoCpus 1e9", (h) => h.NanoCpus, 1e9],
    ["ulimit names", (h) => h.Ulimits.map((u: any) => u.Name), ["nofile", "nproc", "fsize"]],
    ["ulimits soft = hard", (h) => h.Ulimits.every((u: any) => u.Soft === u.Hard && u.Soft > 0), true],
    ["/tmp and /var/tmp tmpfs 256 MB noexec, /run noexec", (h) => h.Tmpfs, { "/tmp": "rw,noexec,nosuid,nodev,size=256m", "/var/tmp": "rw,noexec,nosuid,nodev,size=256m", "/run": "rw,noexec,nosuid,nodev,size=16m" }],
    ["read-only rootfs", (h) => h.ReadonlyRootfs, true],
    ["no binds", (h) => h.Binds, []],
    ["only per-run anonymous volumes for HOME, /srv and the project (the working directory)", (h, c) => h.Mounts.map((m: any) => (m.Target === c.WorkingDir ? { ...m, Target: "<project>" } : m)), [{ Type: "volume", Target: "/root" }, { Type: "volume", Target: "/srv" }, { Type: "volume", Target: "<project>" }]],
    ["no devices", (h) => h.Devices, []],
    ["no volumes from others", (h) => h.VolumesFrom, []],
    ["cgroup parent /fangs/<run>", (h) => h.CgroupParent, "/fangs/0123456789abcdef"],
    ["network bridge by default", (h) => h.NetworkMode, "bridge"],
    ["kept after exit until the runner read it", (h) => h.AutoRemove, false],
    ["label carries the run id", (_, c) => c.Labels["fangs.run"], "0123456789abcdef"],
  ];
  test.each(cases)("%s", (_name, get, want) => {
    const c = containerConfig(base);
    expect(get(c.HostConfig as any, c)).toEqual(want);
  });

  test("memory follows the scan spec", () => {
    expect(host({ spec: { ...DEFAULT_SPEC, memory_mb: 1024 } }).Memory).toBe(1024 * 1024 * 1024);
  });

  test.each(["none", "container:fangs-registry"])("network %s passes through", (network) => {
    expect(host({ spec: { ...DEFAULT_SPEC, network } }).NetworkMode).toBe(network);
  });

  test("this run's bait credentials are in the environment, and no two runs share one", () => {
    const env = containerConfig(base).Env as string[];
    for (const [k, v] of Object.entries(baitEnv(base.bait))) expect(env).toContain(`${k}=${v}`);
    const other = baitValues(newBait());
    for (const v of baitValues(base.bait)) expect(other).not.toContain(v);
    // Shaped like real tokens, with no constant marker a stealer could filter on.
    expect(base.bait.npm_token).toMatch(/^npm_[A-Za-z0-9]{36}$/);
    expect(base.bait.aws_access_key_id).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(baitValues(base.bait).join(" ")).not.toMatch(/FANGS|BAIT|fake/i);
  });
});

describe("install command", () => {
  test("installs pkg@version from the scan's registry with scripts in the foreground", () => {
    const argv = installCommand("left-pad", "1.3.0", "http://127.0.0.1:4873/", { allowAllScripts: true });
    expect(argv.slice(0, 3)).toEqual(["npm", "install", "left-pad@1.3.0"]);
    expect(argv[argv.indexOf("--registry") + 1]).toBe("http://127.0.0.1:4873/");
    expect(argv).toContain("--foreground-scripts");
    expect(argv).toContain("--dangerously-allow-all-scripts");
    expect(argv).not.toContain("--ignore-scripts");
  });
  test("omits --dangerously-allow-all-scripts where the image's npm does not know it", () => {
    expect(installCommand("a", "1.0.0", "https://registry.npmjs.org/", { allowAllScripts: false })).not.toContain("--dangerously-allow-all-scripts");
  });
});

describe("PID 1 without the runner", () => {
  test("PID 1 is the init program: deadline (duration + grace), the package to load, its wait, then the install command", () => {
    const cmd = containerConfig({ ...base, spec: { ...DEFAULT_SPEC, duration_s: 30 } }).Cmd as string[];
    expect(cmd.slice(0, 6)).toEqual(["node", "-e", INIT_PROGRAM, String(30 + DEADLINE_GRACE_S), "left-pad", "5"]);
    expect(cmd.slice(6)).toEqual(installCommand(base.pkg, base.version, DEFAULT_SPEC.registry_url, base.npm));
  });
  test("import_phase false: nothing is loaded after the install (the manual's install-only scan)", () => {
    const cmd = containerConfig({ ...base, spec: { ...DEFAULT_SPEC, import_phase: false } }).Cmd as string[];
    expect(cmd[4]).toBe("");
    // a package npm names "-" is still loaded (the "none" marker is a name npm never gives)
    expect((containerConfig({ ...base, pkg: "-" }).Cmd as string[])[4]).toBe("-");
  });
  test("nothing the sandbox can read of PID 1 names the product or the run", () => {
    const cmd = (containerConfig({ ...base, pkg: "left-pad" }).Cmd as string[]).join("\0");
    expect(cmd).not.toMatch(/fangs/i);
    expect(cmd).not.toContain(base.runId);
  });
  // As the sandbox runs it: PID 1 of its own PID namespace (unshare, root),
  // where an orphan is re-parented to it.
  const run = (args: string[], cwd?: string) => {
    const t0 = performance.now();
    const p = Bun.spawnSync(["unshare", "--pid", "--fork", "--mount-proc", "node", "-e", INIT_PROGRAM, ...args], { cwd });
    return { code: p.exitCode, err: p.stderr.toString(), ms: performance.now() - t0 };
  };
  test("kills at the deadline and passes the install's exit code through", () => {
    expect(run(["5", "", "0", "sh", "-c", "exit 3"]).code).toBe(3);
    const late = run(["1", "", "0", "sh", "-c", "exec sleep 20"]);
    expect(late.code).toBe(137);
    expect(late.err).toContain("deadline of 1s reached");
    expect(late.ms).toBeLessThan(5000);
    expect(run(["5", "", "0", "sh", "-c", "kill -9 $$"]).code).toBe(137);
  }, 20_000);
  test("waits for what the install left running, then ends at once; the deadline still holds", () => {
    const left = run(["10", "", "0", "sh", "-c", "(setsid sh -c 'sleep 1.5' >/dev/null 2>&1 &) ; exit 0"]);
    expect(left.code).toBe(0);
    expect(left.ms).toBeGreaterThan(1400);
    expect(left.ms).toBeLessThan(4000);
    const none = run(["10", "", "0", "sh", "-c", "exit 0"]);
    expect(none.ms).toBeLessThan(1000);
    const forever = run(["2", "", "0", "sh", "-c", "(setsid sleep 30 >/dev/null 2>&1 &) ; exit 0"]);
    expect(forever.code).toBe(137);
    expect(forever.err).toContain("deadline of 2s reached");
    expect(forever.ms).toBeLessThan(5000);
  }, 20_000);
  test("a SIGTERM sent from inside (to skip the import phase) ends in 143, never the install's 0", () => {
    const dir = mkdtempSync(join(tmpdir(), "init-term-"));
    mkdirSync(join(dir, "node_modules/cjs"), { recursive: true });
    writeFileSync(join(dir, "node_modules/cjs/package.json"), JSON.stringify({ name: "cjs", main: "i.js" }));
    writeFileSync(join(dir, "node_modules/cjs/i.js"), "console.error('cjs loaded')");
    const r = run(["10", "cjs", "1", "sh", "-c", "(setsid sh -c 'sleep 0.5; kill -TERM 1' >/dev/null 2>&1 &) ; exit 0"], dir);
    expect(r.code).toBe(143);
    expect(r.err).not.toContain("cjs loaded");
    // SIGUSR1 (node's inspector trigger) changes nothing: the import phase runs, the install's 0 stands.
    const usr1 = run(["10", "cjs", "1", "sh", "-c", "kill -USR1 1; sleep 0.3; exit 0"], dir);
    expect(usr1.code).toBe(0);
    expect(usr1.err).toContain("cjs loaded");
    expect(usr1.err).not.toMatch(/Debugger listening/);
  }, 20_000);
  test("a process whose main thread exited while another thread runs (a zombie leader) is still waited for", () => {
    const dir = mkdtempSync(join(tmpdir(), "init-zl-"));
    writeFileSync(join(dir, "zl.c"), `#include <pthread.h>
#include <unistd.h>
#include <fcntl.h>
static void *later(void *a) { sleep(2); close(open("${dir}/acted", O_CREAT | O_WRONLY, 0644)); return a; }
int main(void) { pthread_t t; pthread_create(&t, 0, later, 0); pthread_exit(0); }
`);
    const cc = Bun.spawnSync(["gcc", "-O0", "-pthread", "-o", join(dir, "zl"), join(dir, "zl.c")]);
    expect(cc.exitCode).toBe(0);
    const r = run(["10", "", "0", "sh", "-c", `(setsid ${dir}/zl >/dev/null 2>&1 &) ; exit 0`]);
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, "acted"))).toBe(true);
    expect(r.ms).toBeGreaterThan(1800);
  }, 20_000);
  test("the import phase loads CommonJS and ESM-only packages (exports subpaths too) and fires timers left past its wait", () => {
    const dir = mkdtempSync(join(tmpdir(), "init-"));
    const put = (p: string, text: string) => { mkdirSync(dirname(join(dir, p)), { recursive: true }); writeFileSync(join(dir, p), text); };
    put("node_modules/cjs/package.json", JSON.stringify({ name: "cjs", main: "i.js" }));
    put("node_modules/cjs/i.js", "console.error('cjs loaded'); setTimeout(() => console.error('cjs late'), 60000).unref();");
    // What a payload checks before acting: an application's entry point, native timers.
    put("node_modules/probe/package.json", JSON.stringify({ name: "probe", main: "p.js" }));
    // Timers read as node's own: the same source text, name and length as in a plain node.
    const looks = "[setTimeout, setInterval, clearTimeout, require('timers').setTimeout].map((f) => [Function.prototype.toString.call(f), String(f), f.name, f.length])";
    put("node_modules/probe/p.js", `console.error("probe " + JSON.stringify({ main: require.main && require.main.filename, execArgv: process.execArgv, argv: process.argv.slice(1),
      looks: ${looks}, promisified: typeof require("util").promisify(setTimeout)(1).then }));`);
    const plain = JSON.parse(Bun.spawnSync(["node", "-e", `process.stdout.write(JSON.stringify(${looks}))`]).stdout.toString());
    symlinkSync("/nonexistent-target", join(dir, "index.js"));
    put("node_modules/esm/package.json", JSON.stringify({ name: "esm", type: "module", exports: { ".": { import: "./m.js" }, "./sub": { import: "./s.js" }, "./late": { import: "./l.js" } } }));
    // a top-level await on a promise timer a minute away: not a reason to stop loading the rest, and fired at the bound
    put("node_modules/esm/l.js", "import { setTimeout as sleep } from 'node:timers/promises'; await sleep(60000); console.error('esm slept');");
    put("node_modules/esm/m.js", "console.error('esm main');");
    put("node_modules/esm/s.js", "console.error('esm sub'); setInterval(() => {}, 1000);");
    const cjs = run(["20", "cjs", "1", "sh", "-c", "exit 0"], dir);
    expect(cjs.code).toBe(0);
    expect(cjs.err).toContain("cjs loaded");
    expect(cjs.err).toContain("cjs late");
    const esm = run(["20", "esm", "1", "sh", "-c", "exit 0"], dir);
    expect(esm.err).toContain("esm main");
    expect(esm.err).toContain("esm sub");
    expect(esm.err).toContain("esm slept");
    expect(esm.ms).toBeLessThan(15_000);
    const probe = run(["20", "probe", "1", "sh", "-c", "exit 0"], dir);
    const seen = JSON.parse(/probe (\{.*\})/.exec(probe.err)![1]);
    expect(seen).toEqual({ main: join(dir, "index.js"), execArgv: [], argv: [join(dir, "index.js")], looks: plain, promisified: "function" });
    // a failed install loads nothing
    expect(run(["20", "cjs", "1", "sh", "-c", "exit 1"], dir).err).not.toContain("cjs loaded");
    expect(`${cjs.err}${esm.err}`).not.toMatch(/fangs/i);
  }, 30_000);
});

describe("identity", () => {
  test("a hostname per run, none with the product's name or the run id; none set in container: network mode (Docker refuses it)", () => {
    const names = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const c = containerConfig({ ...base, spec: { ...DEFAULT_SPEC, network: "none" } }) as Record<string, any>;
      expect(c.Hostname).toMatch(/^[a-z0-9][a-z0-9-]{3,62}$/);
      expect(c.Hostname).not.toContain("fangs");
      expect(c.Hostname).not.toContain(base.runId);
      names.add(c.Hostname);
    }
    expect(names.size).toBeGreaterThan(45);
    expect((containerConfig({ ...base, spec: { ...DEFAULT_SPEC, network: "container:reg" } }) as Record<string, any>).Hostname).toBeUndefined();
  });
  test("a project directory per run where CI systems check code out, never the differ's canonical one, accepted by the finish report", () => {
    const dirs = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const c = containerConfig(base) as Record<string, any>;
      expect(c.WorkingDir).not.toMatch(/fangs|srv\/install/i);
      expect(c.WorkingDir).not.toContain(base.runId);
      expect(v.safeParse(FinishRequest, { status: "finished", exit_code: 0, events_sent: 0, events_dropped: 0, project_dir: c.WorkingDir }).success).toBe(true);
      dirs.add(c.WorkingDir);
    }
    expect(dirs.size).toBeGreaterThan(150);
  });
  test.each(["/", "/root", "/proc/1/root", "/etc/ssh", "/a/../root", "/a/./b", "relative/dir", "/a//b", "/a b/c", "/" + "x/".repeat(9) + "x"])("the finish report refuses project_dir %p (a runner could otherwise map any path onto the project)", (dir) => {
    expect(v.safeParse(FinishRequest, { status: "finished", exit_code: 0, events_sent: 0, events_dropped: 0, project_dir: dir }).success).toBe(false);
  });
  test("the environment names neither the product nor the run", () => {
    const env = (containerConfig(base) as Record<string, any>).Env.join("\n");
    expect(env.toLowerCase()).not.toContain("fangs");
    expect(env).not.toContain(base.runId);
  });
});

describe("planting files into the read-only sandbox", () => {
  test("each entry goes to the volume of its first path component", () => {
    const got = plantArchives([{ type: "dir", path: "root" }, { type: "file", path: "root/.ssh/id_rsa", data: "k" }, { type: "file", path: "srv/x/a.tgz", data: "t" }]);
    expect(got.map((p) => [p.dir, p.entries.map((e) => e.path)])).toEqual([["/root", [".ssh/id_rsa"]], ["/srv", ["x/a.tgz"]]]);
  });
  test("a path outside the writable volumes is refused, not silently lost", () => {
    expect(() => plantArchives([{ type: "file", path: "etc/passwd", data: "" }])).toThrow(/only \/root, \/srv are writable/);
  });
});
