// Which runner process owns a run's sandbox on this host. A runner records
// each run it starts (<dir>/<run id> = "<pid> <start time>", written before
// the cgroup exists, removed after cleanup); a run whose owner process is gone
// is a leftover of a runner that died (kill -9, crash), and the next runner
// start on the host removes its container and cgroups, whatever their age.
// Start time beside the pid: a recycled pid is not mistaken for the owner.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const DEFAULT_OWNERS_DIR = process.env.FANGS_OWNERS_DIR ?? "/run/fangs/runs";
const RUN_ID = /^[0-9a-f]{16}$/;

/** Field 22 of /proc/<pid>/stat: start time in clock ticks since boot (undefined: no such process). */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

export class RunOwners {
  private readonly me: string;
  constructor(readonly dir = DEFAULT_OWNERS_DIR) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.me = `${process.pid} ${processStart(process.pid) ?? "?"}`;
  }

  claim(runId: string): void {
    writeFileSync(join(this.dir, runId), this.me, { mode: 0o600 });
  }

  release(runId: string): void {
    rmSync(join(this.dir, runId), { force: true });
  }

  /** "alive": another live process owns it; "mine": this process; "dead": its owner is gone; "none": no record. */
  state(runId: string): "alive" | "mine" | "dead" | "none" {
    let rec: string;
    try {
      rec = readFileSync(join(this.dir, runId), "utf8").trim();
    } catch {
      return "none";
    }
    if (rec === this.me) return "mine";
    const [pid, start] = rec.split(" ");
    return processStart(Number(pid)) === start && start !== undefined ? "alive" : "dead";
  }

  /** Run ids with a record whose owner process is gone. */
  dead(): string[] {
    return readdirSync(this.dir).filter((f) => RUN_ID.test(f) && this.state(f) === "dead");
  }
}
