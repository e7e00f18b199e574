// The processes a run's install (or import) left behind: each process that
// exited after npm did (install phase) or after the import loader did (import
// phase), with who made it, as the sandbox's PID 1 waited for them (observe
// until quiet, src/runner/sandbox/init.ts). Listed on the run (runs.outlived:
// run show, the run page, the API); the fingerprint side of the same fact is
// proc_outlived_install (fingerprint.ts). Lineage follows the creator named
// by fork events, not the adoptive parent: a double-forked child re-parented
// to PID 1 still shows the script that made it. Pure.
import type { FangsEvent } from "../events/types.ts";
import { ActorResolver, basename } from "./actors.ts";
import { IMPORT_ACTOR, PhaseTracker, type Phase } from "./phase.ts";

export interface OutlivedStep { pid: number; exe: string; argv: string[] }

export interface Outlived {
  pid: number;
  phase: Phase;
  actor: string;
  /** The program it ran last ("" when it never exec'd: a forked copy of its creator). */
  exe: string;
  argv: string[];
  /** How long after npm (install) or the import loader (import) exited it did. */
  after_ms: number;
  exit_code: number | null;
  /** Set when a signal ended it (9: killed at the duration limit or by PID 1's deadline). */
  signal: number | null;
  /** Its creators, nearest first, up to the sandbox's PID 1 (at most 8). */
  lineage: OutlivedStep[];
}

const MAX_LINEAGE = 8;
const MAX_LIST = 100;
const MAX_ARGV = 16;

export function outlivedProcesses(events: readonly FangsEvent[]): Outlived[] {
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  const phases = new PhaseTracker();
  const actors = new ActorResolver(sorted);
  const creator = new Map<number, number>();
  const image = new Map<number, { exe: string; argv: string[] }>();
  const phaseOf = new Map<number, Phase>();
  let npmExit: number | undefined;
  let loaderExit: number | undefined;
  const out: Outlived[] = [];
  for (const e of sorted) {
    const phase = phases.see(e);
    if (!phaseOf.has(e.pid)) phaseOf.set(e.pid, phase);
    if (!creator.has(e.pid) && e.ppid > 0) creator.set(e.pid, e.ppid);
    if (e.kind === "fork") {
      creator.set(e.child_pid, e.pid);
      // a forked copy runs its creator's program until it execs
      if (!image.has(e.child_pid) && image.has(e.pid)) image.set(e.child_pid, image.get(e.pid)!);
    } else if (e.kind === "exec" && !e.errno) {
      image.set(e.pid, { exe: e.filename, argv: e.argv.slice(0, MAX_ARGV) });
    } else if (e.kind === "exit") {
      if (e.pid === phases.npm) npmExit ??= e.ts_ns;
      else if (e.pid === phases.importRoot) loaderExit ??= e.ts_ns;
      else if (e.pid !== phases.init) {
        const ref = phase === "install" ? npmExit : loaderExit;
        if (ref === undefined || e.ts_ns <= ref || out.length >= MAX_LIST) continue;
        const img = image.get(e.pid) ?? { exe: e.exe, argv: [] };
        const exe = img.exe || e.exe;
        out.push({
          pid: e.pid, phase,
          actor: phase === "import" ? IMPORT_ACTOR + (basename(exe) || e.comm || "?") : actors.actorOf({ pid: e.pid, exe, comm: e.comm, seq: e.seq }),
          exe, argv: img.argv,
          after_ms: Math.round((e.ts_ns - ref) / 1e6),
          exit_code: e.signal ? null : e.exit_code,
          signal: e.signal ?? null,
          lineage: lineage(e.pid, creator, image, phases.init),
        });
      }
    }
  }
  return out;
}

function lineage(pid: number, creator: Map<number, number>, image: Map<number, { exe: string; argv: string[] }>, init: number | undefined): OutlivedStep[] {
  const out: OutlivedStep[] = [];
  const seen = new Set([pid]);
  for (let p = creator.get(pid); p !== undefined && p > 0 && p !== init && !seen.has(p) && out.length < MAX_LINEAGE; p = creator.get(p)) {
    seen.add(p);
    const img = image.get(p);
    out.push({ pid: p, exe: img?.exe ?? "", argv: img?.argv ?? [] });
  }
  return out;
}
