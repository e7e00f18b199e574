// Which phase of a run an event belongs to: `install` (npm install and
// everything it started) or `import` (the package loaded by a consumer's
// require()/import(), src/runner/sandbox/init.ts). Told by lineage, never by
// time: the sandbox's PID 1 starts exactly two children, npm and, after the
// install is quiet, the import loader; an event is `import` when its process
// descends from that loader. A process the install left behind that acts
// during the import phase stays `install` (and is what proc_outlived_install
// reports), so a payload cannot move its acts into the other phase by
// waiting. The creator is taken from fork events (the kernel re-parents an
// orphan to PID 1; the fork event still names who made it).
//
// The loader is told apart by its creator alone (the fork event naming PID
// 1), after npm exited: PID 1 starts nothing else, and an orphan PID 1
// adopted was created by someone else.
//
// Used twice with the same result: the runner stamps `phase` on each event
// as it streams (events are in seq order there), and the differ recomputes
// it over stored events (an event without the field is `install`).
import type { FangsEvent } from "../events/types.ts";

export type Phase = "install" | "import";
export const PHASES: readonly Phase[] = ["install", "import"];

/** Actors of the import phase's processes are `import:<bin>`: one actor
 *  namespace per phase, so baselines and deviations are per phase. */
export const IMPORT_ACTOR = "import:";

const NPM_ARG = /(^|\/)(npm|npm-cli\.js|npx|npx-cli\.js)$/;

type Ev = Pick<FangsEvent, "pid" | "ppid"> & { kind: string; argv?: string[]; filename?: string; child_pid?: number };

export class PhaseTracker {
  readonly #creator = new Map<number, number>();
  readonly #import = new Set<number>();
  #init: number | undefined;
  #npm: number | undefined;
  #importRoot: number | undefined;
  #npmExited = false;

  /** Feed events in order; returns the event's phase. */
  see(e: Ev): Phase {
    if (e.kind === "exit" && e.pid === this.#npm) this.#npmExited = true;
    if (e.kind === "fork" && e.child_pid !== undefined) {
      if (!this.#creator.has(e.child_pid)) this.#creator.set(e.child_pid, e.pid);
      // PID 1's child after npm exited is the loader from its first event (before its exec too).
      if (this.#npmExited && this.#importRoot === undefined && e.pid === this.#init) {
        this.#importRoot = e.child_pid;
        this.#import.add(e.child_pid);
      }
      if (this.#import.has(e.pid)) this.#import.add(e.child_pid);
    } else if (e.kind === "exec" && e.argv) {
      const creator = this.#creator.get(e.pid) ?? e.ppid;
      if (this.#npm === undefined && (e.argv.slice(0, 2).some((a) => NPM_ARG.test(a)) || NPM_ARG.test(e.filename ?? ""))) {
        // The outermost npm: its creator is the sandbox's PID 1.
        this.#npm = e.pid;
        this.#init = creator;
      } else if (this.#npmExited && this.#importRoot === undefined && e.pid !== this.#npm && creator === this.#init) {
        this.#importRoot = e.pid;
        this.#import.add(e.pid);
      }
    }
    return this.#import.has(e.pid) ? "import" : "install";
  }

  /** The sandbox's PID 1 (host pid), once npm started. */
  get init(): number | undefined { return this.#init; }
  /** The import loader's pid, once it started. */
  get importRoot(): number | undefined { return this.#importRoot; }
  get npm(): number | undefined { return this.#npm; }
}

/** A fingerprint's phase, from its actor. */
export function phaseOfActor(actor: string): Phase {
  return actor.startsWith(IMPORT_ACTOR) ? "import" : "install";
}
