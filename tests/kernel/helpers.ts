// Shared plumbing for the kernel tests: a cgroup of the test's own under
// /sys/fs/cgroup/unified/fangs/, the compiled `fangs sensor trace` watching it,
// workloads started inside it (optionally in a fresh, sealed network
// namespace), and the events parsed back. Nothing here skips: a missing
// capability throws.
import { existsSync, mkdirSync, rmdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fangsBin, REPO, tempDir } from "../lib/env.ts";
import type { SensorEvent } from "../../src/sensor/types.ts";

export const UNIFIED = "/sys/fs/cgroup/unified";

export function makeCgroup(prefix: string): { path: string; id: bigint; remove(): void } {
  if (!existsSync(join(UNIFIED, "cgroup.procs"))) throw new Error(`no cgroup v2 hierarchy at ${UNIFIED}`);
  const path = join(UNIFIED, "fangs", `${prefix}-${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(path, { recursive: true });
  return {
    path,
    id: statSync(path, { bigint: true }).ino,
    remove() {
      try {
        rmdirSync(path);
      } catch {}
    },
  };
}

let workloadBin: string | undefined;
/** The C workload (tests/kernel/workload.c), compiled once per test process. */
export function workload(): string {
  if (workloadBin) return workloadBin;
  const out = join(tempDir("fangs-kernel-"), "workload");
  const cc = Bun.spawnSync(["cc", "-static", "-O2", "-o", out, join(REPO, "tests/kernel/workload.c")]);
  if (cc.exitCode !== 0) throw new Error(`cc workload.c failed: ${cc.stderr}`);
  return (workloadBin = out);
}

export interface Ran { pid: number; code: number; stdout: string; stderr: string }

/**
 * Run argv inside the cgroup: a shell writes its own pid to cgroup.procs, prints
 * it, then execs argv. With sealedNet the shell first enters a new network
 * namespace with only loopback up, so nothing can leave the machine.
 */
export function runIn(cgroup: string, argv: string[], opts: { sealedNet?: boolean } = {}): Ran {
  const script = `${opts.sealedNet ? "ip link set lo up || exit 90; " : ""}echo $$ > ${cgroup}/cgroup.procs || exit 91; echo $$; exec "$@"`;
  const cmd = [...(opts.sealedNet ? ["unshare", "-n"] : []), "sh", "-c", script, "sh", ...argv];
  const p = Bun.spawnSync(cmd, { stdout: "pipe", stderr: "pipe" });
  const stdout = p.stdout.toString();
  const pid = Number(stdout.split("\n")[0]);
  if (!pid || p.exitCode === 90 || p.exitCode === 91) throw new Error(`runIn ${argv.join(" ")}: exit ${p.exitCode}: ${p.stderr}`);
  return { pid, code: p.exitCode ?? -1, stdout: stdout.split("\n").slice(1).join("\n"), stderr: p.stderr.toString() };
}

/** Run argv outside any watched cgroup. */
export function runOutside(argv: string[]): number {
  const p = Bun.spawnSync(argv);
  return p.pid;
}

export interface TraceSummary {
  cgroup_id: string;
  events: number;
  by_kind: Record<string, number>;
  kernel_events: number;
  /** repeats folded in the kernel (same process, same object) */
  aggregated: number;
  dropped: number;
  read_failures: number;
  decode_errors: number;
  probes_active: string[];
  probes_inactive: { name: string; detail: string }[];
}

export interface Trace {
  stop(): Promise<{ events: SensorEvent[]; summary: TraceSummary; stderr: string }>;
}

/** Start `fangs sensor trace` on the cgroup; resolves once it is watching. */
export async function startTrace(cgroup: string, extra: string[] = []): Promise<Trace> {
  const proc = Bun.spawn([fangsBin(), "sensor", "trace", "-cgroup", cgroup, "-duration", "0", "--json", ...extra], { stdout: "pipe", stderr: "pipe" });
  const out = new Response(proc.stdout).text();
  const reader = proc.stderr.getReader();
  let stderr = "";
  const deadline = Date.now() + 20_000;
  // One read stays pending across polls: a read that loses the race to the
  // timer still resolves later, and its chunk must not be thrown away.
  let pending: ReturnType<typeof reader.read> | undefined;
  while (!stderr.includes("sensor: watching cgroup")) {
    if (Date.now() > deadline) {
      proc.kill("SIGKILL");
      throw new Error(`fangs sensor trace did not start: ${stderr}`);
    }
    pending ??= reader.read();
    const r = await Promise.race([pending, Bun.sleep(200).then(() => undefined)]);
    if (!r) continue;
    pending = undefined;
    if (r.done) throw new Error(`fangs sensor trace exited early (${await proc.exited}): ${stderr}`);
    if (r.value) stderr += new TextDecoder().decode(r.value);
  }
  return {
    async stop() {
      await Bun.sleep(100); // let the last records reach the ring before SIGTERM
      proc.kill("SIGTERM");
      const code = await proc.exited;
      for (;;) {
        const r = await (pending ?? reader.read());
        pending = undefined;
        if (r.done) break;
        stderr += new TextDecoder().decode(r.value);
      }
      const lines = (await out).split("\n").filter(Boolean).map((l) => JSON.parse(l));
      const last = lines.pop();
      if (code !== 0 || !last?.summary) throw new Error(`fangs sensor trace exit ${code}, no summary: ${stderr}`);
      return { events: lines as SensorEvent[], summary: last.summary as TraceSummary, stderr };
    },
  };
}
