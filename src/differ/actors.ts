// Who did it: npm itself, one package's lifecycle script, or a process
// outside npm (the container's entrypoint, runc). Built from the run's exec
// events and each event's ancestry, because npm reading ~/.npmrc is npm
// doing its job while a postinstall reading it is the attack.
//
// npm runs a lifecycle script as `sh -c <script>`, a direct child of the npm
// node process, with the package directory as cwd. The kernel events carry
// no cwd, so the script's package is told from the first `node_modules/<pkg>/`
// path its process subtree names (argv or opened files): node opens the
// script file by absolute path, e.g. /app/node_modules/evil/install.js.
// Lineage follows the creator, not the adoptive parent: a fork event names
// the process that made each child, so a double-forked grandchild that the
// kernel re-parents to npm (pid 1 in the sandbox) is still its script's.
// Without fork events (older runs), a process is placed by the parent it had
// when first seen; one that never exec'd but hangs under npm is reported as
// `orphan:<exe>` rather than trusted as npm.
import type { FangsEvent, ExecEvent } from "../events/types.ts";

export const NPM_ACTOR = "npm";

const SHELL = /(^|\/)(sh|bash|dash|ash|busybox)$/;
const NPM_ARG = /(^|\/)(npm|npm-cli\.js|npx|npx-cli\.js)$/;

interface Proc { pid: number; ppid: number; exe: string; comm: string; argv?: string[] }

export function basename(p: string): string {
  const i = p.lastIndexOf("/");
  return i < 0 ? p : p.slice(i + 1);
}

/** The package directory named by a path: the segment after the LAST node_modules/. */
export function packageFromPath(p: string): string | undefined {
  const i = p.lastIndexOf("node_modules/");
  if (i < 0) return undefined;
  const rest = p.slice(i + "node_modules/".length).split("/");
  if (!rest[0] || rest[0].startsWith(".")) return undefined;
  if (rest[0].startsWith("@")) return rest[1] ? `${rest[0]}/${rest[1]}` : undefined;
  return rest[0];
}

export class ActorResolver {
  readonly #procs = new Map<number, Proc>();
  readonly #npm = new Set<number>();
  /** seq of the exec that made a pid npm: its earlier events are the runtime's (runc init). */
  readonly #npmSince = new Map<number, number>();
  /** pid of a script's `sh -c` → its package ("?" until told). */
  readonly #scripts = new Map<number, string>();
  /** Last answer per pid (a pid's actor changes only when its image does). */
  readonly #cache = new Map<number, { exe: string; comm: string; actor: string }>();
  /** pids seen calling execve: npm's children always exec; a fork that never did was adopted. */
  readonly #execed = new Set<number>();
  /** pids whose creator a fork event names: their place in the tree is exact, not inferred. */
  readonly #forked = new Set<number>();

  constructor(events: readonly FangsEvent[]) {
    // Pass 1: the process table. A pid's identity is its latest exec image.
    for (const e of events) {
      this.#learn(e.pid, e.ppid, e.exe, e.comm);
      for (let i = 0; i < e.ancestry.length; i++) {
        const a = e.ancestry[i];
        const parent = e.ancestry[i + 1];
        this.#learn(a.pid, parent?.pid ?? -1, a.exe, a.comm);
      }
    }
    // The creator wins over any parent seen later (re-parenting on exit).
    for (const e of events) {
      if (e.kind !== "fork") continue;
      this.#learn(e.child_pid, e.pid, "", "");
      this.#procs.get(e.child_pid)!.ppid = e.pid;
      this.#forked.add(e.child_pid);
    }
    // An exec event is raised in the caller (pre-exec image): the pid then
    // becomes `filename` with `argv`. Only the outermost npm counts as npm: an
    // `npm` (or anything with argv[0] "npm") started inside a script stays
    // that script's act, or a script could launder what it does as npm's.
    for (const e of events) {
      if (e.kind !== "exec") continue;
      this.#execed.add(e.pid);
      this.#procs.get(e.pid)!.argv = e.argv;
      const looksNpm = e.argv.slice(0, 2).some((a) => NPM_ARG.test(a)) || NPM_ARG.test(e.filename);
      if (looksNpm && !this.#npm.has(e.pid) && this.#scriptOf(e.pid) === undefined && !this.#underNpm(e.pid)) {
        this.#npm.add(e.pid);
        this.#npmSince.set(e.pid, e.seq);
      } else if (this.#npm.has(e.ppid) && SHELL.test(e.filename) && e.argv[1] === "-c" && !this.#scripts.has(e.pid)) {
        // npm puts the package's own node_modules/.bin first on the script's
        // PATH, so the first place it looks for `sh` names the package dir.
        const bin = e.filename.indexOf("/node_modules/.bin/");
        this.#scripts.set(e.pid, (bin > 0 && packageFromPath(e.filename.slice(0, bin) + "/")) || "?");
      }
    }
    // Pass 2: name each script not yet named by the first package path its
    // subtree shows (not counting npm's own PATH search for the shell).
    for (const e of events) {
      const s = this.#scriptOf(e.pid);
      if (s === undefined || this.#scripts.get(s) !== "?") continue;
      const paths = e.kind === "exec" ? (e.pid === s ? [] : [e.filename, ...e.argv]) : e.kind === "file" ? [e.path] : [];
      for (const p of paths) {
        const pkg = p.startsWith("/") ? packageFromPath(p) : undefined;
        if (pkg) {
          this.#scripts.set(s, pkg);
          break;
        }
      }
    }
  }

  #learn(pid: number, ppid: number, exe: string, comm: string): void {
    const p = this.#procs.get(pid);
    if (!p) this.#procs.set(pid, { pid, ppid, exe, comm });
    else {
      if (ppid > 0 && p.ppid <= 0) p.ppid = ppid;
      if (exe) p.exe = exe;
      if (comm) p.comm = comm;
    }
  }

  /** The pid of the script shell this process descends from (or is). */
  #scriptOf(pid: number): number | undefined {
    const seen = new Set<number>();
    for (let p: number | undefined = pid; p !== undefined && p > 0 && !seen.has(p); p = this.#procs.get(p)?.ppid) {
      seen.add(p);
      if (this.#scripts.has(p)) return p;
      if (this.#npm.has(p)) return undefined;
    }
    return undefined;
  }

  /**
   * "npm" when the chain up to npm is npm's own exec'd children, "orphan"
   * when a process on it never exec'd (a double-forked child of a script,
   * re-parented to npm running as the container's pid 1), "none" otherwise.
   */
  #npmLineage(pid: number): "npm" | "orphan" | "none" {
    const seen = new Set<number>();
    let allExeced = true;
    for (let p: number | undefined = pid; p !== undefined && p > 0 && !seen.has(p); p = this.#procs.get(p)?.ppid) {
      seen.add(p);
      if (this.#npm.has(p)) return allExeced ? "npm" : "orphan";
      if (!this.#execed.has(p) && !this.#forked.has(p)) allExeced = false;
    }
    return "none";
  }

  #underNpm(pid: number): boolean {
    return this.#npmLineage(pid) !== "none";
  }

  /** The actor string for an event by `pid` whose current binary is `exe`. */
  actorOf(e: { pid: number; exe: string; comm: string; seq?: number }): string {
    const since = this.#npmSince.get(e.pid);
    if (since !== undefined && e.seq !== undefined && e.seq < since) return `proc:${basename(e.exe) || e.comm || "?"}`;
    const hit = this.#cache.get(e.pid);
    if (hit !== undefined && hit.exe === e.exe && hit.comm === e.comm) return hit.actor;
    const bin = basename(e.exe || this.#procs.get(e.pid)?.exe || "") || e.comm || "?";
    const s = this.#scriptOf(e.pid);
    let actor: string;
    if (s !== undefined) actor = `script:${this.#scripts.get(s)}:${bin === "self" || bin === "exe" ? e.comm : bin}`;
    else {
      const lineage = this.#npm.has(e.pid) ? "npm" : this.#npmLineage(e.pid);
      actor = lineage === "npm" ? NPM_ACTOR : lineage === "orphan" ? `orphan:${bin}` : `proc:${bin}`;
    }
    this.#cache.set(e.pid, { exe: e.exe, comm: e.comm, actor });
    return actor;
  }

  /**
   * seq of the exec that started npm, or undefined. Everything recorded
   * before it is the container runtime setting up (runc init, the
   * entrypoint before npm): no package code exists yet, and how much of it
   * the sensor sees depends on when the cgroup was watched (runc's memfd
   * re-exec is caught on some runs, not others).
   */
  npmStart(): number | undefined {
    let first: number | undefined;
    for (const s of this.#npmSince.values()) if (first === undefined || s < first) first = s;
    return first;
  }

  /** True when `pid` is the npm process (the outermost `npm install`). */
  isNpm(pid: number): boolean {
    return this.#npm.has(pid);
  }

  /** True for the exec by which npm's child became a script's `sh -c`. */
  isScriptSpawn(e: ExecEvent): boolean {
    return this.#scripts.has(e.pid) && this.#npm.has(e.ppid) && SHELL.test(e.filename) && e.argv[1] === "-c";
  }

  /** Every script package seen (for reports and tests). */
  scriptPackages(): string[] {
    return [...new Set(this.#scripts.values())];
  }
}
