// `fangs runner doctor`: can this host run scans? One line per check, pass or
// fail with the fix; --json for machines; exit 1 when a required check fails.
// Probes that do not load on this kernel are reported but only the core ones
// (file, exec, connect) are required: the sensor runs with what it has.
import { existsSync, readFileSync } from "node:fs";
import { command, JSON_ARG } from "../command.ts";
import { printJson, safe } from "../output.ts";
import { openSensor } from "../../sensor/sensor.ts";
import { findLibssl } from "../../sensor/ssl-targets.ts";
import { UNIFIED } from "../../sensor/cgroup.ts";
import type { ProbeStatus } from "../../sensor/types.ts";
import { Docker, DOCKER_SOCKET } from "../../runner/docker.ts";
import { LABEL_FLAVOR, LABEL_NPM_VERSION, LABEL_RECIPE } from "../../runner/image.ts";
import { DEFAULT_IMAGE } from "../../runner/sandbox/spec.ts";

// Opens and failed execs are written at syscall exit (paired with the enter
// probe that remembers the arguments): both halves are required. The exit
// tracepoints exist wherever the enter ones do (CONFIG_FTRACE_SYSCALLS).
const REQUIRED_PROBES = ["sys_enter_openat", "sys_exit_openat", "sys_enter_execve", "sys_exit_execve", "sys_enter_connect"];

export interface Check { name: string; ok: boolean; required: boolean; detail: string; fix?: string }

function mounted(fstype: string, path: string): boolean {
  try {
    return readFileSync("/proc/mounts", "utf8").split("\n").some((l) => {
      const [, mnt, type] = l.split(" ");
      return mnt === path && type === fstype;
    });
  } catch {
    return false;
  }
}

function sensorChecks(): Check[] {
  let probes: ProbeStatus[];
  try {
    // a small ring: doctor only needs to know what loads and attaches
    const s = openSensor({ ringBytes: 1 << 20, log: () => {} });
    probes = s.probes;
    s.close();
  } catch (e) {
    return [{ name: "bpf", ok: false, required: true, detail: (e as Error).message, fix: "run as root on a kernel with BPF and BTF (CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN)" }];
  }
  const checks: Check[] = [{ name: "bpf", ok: true, required: true, detail: "bpf() allowed, sensor object loaded" }];
  for (const p of probes) {
    const required = REQUIRED_PROBES.includes(p.name);
    const standby = !p.active && !!p.detail?.startsWith("standby");
    checks.push({
      name: `probe ${p.name}`,
      ok: p.active || standby,
      required,
      detail: p.active ? "attached" : (p.detail ?? "not attached"),
      fix: p.active || standby ? undefined : p.name.startsWith("kprobe:")
        ? "kernel lacks kprobes (CONFIG_KPROBES): TCP connects are still seen via inet_sock_set_state and sys_enter_connect"
        : "this kernel refuses the hook; the sensor continues without it (see `fangs sensor trace` for what is seen)",
    });
  }
  return checks;
}

/** Which image scans use: name, flavour (our label, else "custom"), id, size, npm. */
function imageDetail(name: string, img: { Id: string; Size: number; Config?: { Labels?: Record<string, string> } }): string {
  const l = img.Config?.Labels ?? {};
  const flavor = l[LABEL_FLAVOR] ?? (l[LABEL_NPM_VERSION] ? "minimal" : "custom (not built by fangs sandbox build-image)");
  const extra = [l[LABEL_NPM_VERSION] && `npm ${l[LABEL_NPM_VERSION]}`, l[LABEL_RECIPE] && `recipe ${l[LABEL_RECIPE]}`].filter(Boolean).join(", ");
  return `${name} is ${flavor} (${img.Id.slice(7, 19)}, ${(img.Size / 1e6).toFixed(0)} MB${extra ? `, ${extra}` : ""})`;
}

export async function runChecks(opts: { image: string; socket: string }): Promise<Check[]> {
  const checks: Check[] = [];
  const btf = existsSync("/sys/kernel/btf/vmlinux");
  checks.push({ name: "kernel BTF", ok: btf, required: true, detail: btf ? "/sys/kernel/btf/vmlinux" : "missing", fix: btf ? undefined : "use a kernel built with CONFIG_DEBUG_INFO_BTF=y" });
  const cg = existsSync(`${UNIFIED}/cgroup.procs`);
  checks.push({ name: "cgroup v2", ok: cg, required: true, detail: cg ? UNIFIED : `no cgroup2 at ${UNIFIED}`, fix: cg ? undefined : `mkdir -p ${UNIFIED} && mount -t cgroup2 none ${UNIFIED}` });
  checks.push(...sensorChecks()); // mounts tracefs/bpffs when missing, so check them after
  for (const [fs, path] of [["tracefs", "/sys/kernel/tracing"], ["bpf", "/sys/fs/bpf"]] as const) {
    const ok = mounted(fs, path);
    checks.push({ name: fs === "bpf" ? "bpffs" : "tracefs", ok, required: true, detail: ok ? `mounted at ${path}` : `not mounted at ${path}`, fix: ok ? undefined : `mount -t ${fs} ${fs} ${path}` });
  }

  const docker = new Docker({ socket: opts.socket, timeoutMs: 3000 });
  let dockerOk = false;
  try {
    const v = await docker.version();
    dockerOk = true;
    checks.push({ name: "docker", ok: true, required: true, detail: `Engine ${v.Version} (API ${v.ApiVersion}) at ${opts.socket}` });
  } catch (e) {
    const status = (e as { statusCode?: number }).statusCode;
    checks.push(status
      ? { name: "docker", ok: false, required: true, detail: `HTTP ${status}`, fix: "start dockerd (scripts/services)" }
      : { name: "docker", ok: false, required: true, detail: (e as Error).message, fix: "start dockerd (scripts/services) or pass -docker-socket" });
  }
  if (dockerOk) {
    const img = await docker.imageInspect(opts.image).catch(() => undefined);
    const ok = !!img;
    checks.push({ name: "sandbox image", ok, required: true, detail: img ? imageDetail(opts.image, img) : `${opts.image} not found`, fix: ok ? undefined : "fangs sandbox build-image" });
  } else {
    checks.push({ name: "sandbox image", ok: false, required: true, detail: "Docker unreachable", fix: "start dockerd first" });
  }

  const ssl = findLibssl();
  checks.push({ name: "libssl", ok: !!ssl, required: false, detail: ssl ?? "no libssl.so.3 found", fix: ssl ? undefined : "apt-get install libssl3 (the SSL_ctrl uprobe on node still works)" });
  return checks;
}

export default command({
  meta: { name: "doctor", description: "check this host can run scans: BPF probes, BTF, tracefs/bpffs, Docker, sandbox image, libssl" },
  args: {
    image: { type: "string", description: `sandbox image (default ${DEFAULT_IMAGE})` },
    "docker-socket": { type: "string", description: "Docker Engine socket (default /var/run/docker.sock)" },
    ...JSON_ARG,
  },
  async run(ctx) {
    const checks = await runChecks({ image: ctx.args.image || DEFAULT_IMAGE, socket: ctx.args["docker-socket"] || DOCKER_SOCKET });
    const ok = checks.every((c) => c.ok || !c.required);
    if (ctx.args.json) printJson({ ok, checks });
    else {
      for (const c of checks) {
        const mark = c.ok ? "PASS" : c.required ? "FAIL" : "WARN";
        process.stdout.write(`${mark}  ${safe(c.name)}: ${safe(c.detail)}${c.ok || !c.fix ? "" : ` — fix: ${safe(c.fix)}`}\n`);
      }
      process.stdout.write(ok ? "runner host ready\n" : "runner host NOT ready\n");
    }
    if (!ok) process.exit(1);
  },
});
