import { describe, expect, test } from "bun:test";
import { DEFAULT_SPEC } from "../../protocol/sandbox.ts";
import { baitEnv, baitValues, newBait } from "../bait.ts";
import { containerConfig, DEADLINE_GRACE_S, DEADLINE_WRAPPER, installCommand } from "./spec.ts";
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
    ["only per-run anonymous volumes for HOME and /srv (the project)", (h) => h.Mounts, [{ Type: "volume", Target: "/root" }, { Type: "volume", Target: "/srv" }]],
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

describe("deadline without the runner", () => {
  test("PID 1 is the deadline wrapper: duration + grace, then the install command", () => {
    const cmd = containerConfig({ ...base, spec: { ...DEFAULT_SPEC, duration_s: 30 } }).Cmd as string[];
    expect(cmd.slice(0, 4)).toEqual(["node", "-e", DEADLINE_WRAPPER, String(30 + DEADLINE_GRACE_S)]);
    expect(cmd.slice(4)).toEqual(installCommand(base.pkg, base.version, DEFAULT_SPEC.registry_url, base.npm));
  });
  test("the wrapper kills at the deadline and passes the install's exit code through", async () => {
    const run = (limit: string, script: string) => {
      const p = Bun.spawnSync(["node", "-e", DEADLINE_WRAPPER, limit, "sh", "-c", script]);
      return { code: p.exitCode, err: p.stderr.toString() };
    };
    expect(run("5", "exit 3").code).toBe(3);
    const t0 = performance.now();
    const late = run("1", "exec sleep 20");
    expect(late.code).toBe(137);
    expect(late.err).toContain("sandbox deadline of 1s reached");
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(run("5", "kill -9 $$").code).toBe(137);
  }, 20_000);
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
