// Events → fingerprints. Pure: the caller reads events and stores results.
import type { ExecEvent, FangsEvent, PathFacts } from "../events/types.ts";
import { ActorResolver, NPM_ACTOR, basename } from "./actors.ts";
import { IMPORT_ACTOR, PhaseTracker } from "./phase.ts";
import { canonicalAddress, endpointValue, lexicalResolve, normalizeHost, normalizePath } from "./normalize.ts";
import { PROJECT_DIR, TRUNCATED, UNREADABLE } from "./severity.ts";
import { baitMatcher, baitValue, eachCaptured } from "./bait.ts";
import { fingerprintKey, type Category, type Fingerprint } from "./types.ts";

const NPM_SEARCH_DIR = /\/node_modules\/(?:.*\/)?(?:\.bin|node-gyp-bin)\/[^/]+$/;

/**
 * Fields the sensor adds to path-bearing events (optional: older data lacks
 * them). See HELPERS.md "shared contract"; src/events/types.ts gains them
 * with the sensor branch.
 */
interface PathMarks { path_truncated?: boolean; unreadable?: boolean; requested?: string; errno?: number; fileless?: boolean }

/** A path as recorded, or a marked value that never equals a baseline value. */
function marked(e: PathMarks, value: string): string {
  if (e.unreadable) return UNREADABLE + value;
  if (e.path_truncated) return TRUNCATED + value;
  return value;
}

/** The exact name of a path (no normalization): what the attacker chose. */
function exactPath(p: string): string {
  const q = p.replace(/\/{2,}/g, "/");
  return q.startsWith("/") ? lexicalResolve(q) : q;
}

/** A written path that could hold a program: not a device (`>/dev/null`), /proc or /sys; /dev/shm is a file system. */
function droppable(p: string): boolean {
  return !/^\/(proc|sys)\/|^\/dev\/(?!shm\/)/.test(p);
}

/**
 * Absolute paths named anywhere in an exec's arguments (exact form): `sh
 * /tmp/x`, `node --require=/tmp/x.js`, `sh -c "chmod +x /tmp/x; /tmp/x"`,
 * `ld-linux.so /tmp/x`. A relative name (`cd /tmp && ./x`) is not resolved:
 * the events carry no cwd.
 */
function argvPaths(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    for (const m of argv[i].matchAll(/(?:^|[\s=:;,'"(&|>])(\/[^\s'"=:;,()&|<>]+)/g)) out.push(exactPath(m[1]));
  }
  return out;
}

/**
 * Reads the C library makes on its own at moments set by thread scheduling:
 * glibc's malloc sizes its arena limit from get_nprocs() (which reads this
 * file) the first time two threads contend for an arena, so npm or node
 * reads it on some runs and not others (measured: real re-runs of sharp,
 * msw). It tells a reader only the CPU count. Reads only: a write is kept.
 */
const LIBC_READS = new Set(["/sys/devices/system/cpu/online"]);

/**
 * The dynamic loader opening a program's shared libraries from the image's
 * read-only system directories (and its cache): the consequence of an exec,
 * which is itself a fingerprint. A new program brought ~35 such rows (curl on
 * the Debian image) and buried what it did. A library anywhere else
 * (node_modules, /tmp, HOME: one an install could have placed) is still read.
 */
const SYSTEM_LIBRARY = /^\/(?:usr\/)?lib(?:32|64|x32)?\/(?:[^/]+\/)*[^/]+\.so(?:\.\d+)*$|^\/etc\/ld\.so\.cache$/;

/**
 * `<projectDir>/x` → `PROJECT_DIR/x` (after `//`, `.` and `..` are resolved,
 * so a spelling cannot dodge it). npm puts the node_modules/.bin of every
 * directory above the project on a script's PATH, so a shell's search for a
 * command tries `<ancestor>/node_modules/.bin/<cmd>` too: those ancestors (not
 * `/` itself) read as PROJECT_DIR's parent.
 */
function projectMapper(projectDir: string | undefined): (p: string) => string {
  if (!projectDir || projectDir === PROJECT_DIR) return (p) => p;
  const parent = PROJECT_DIR.slice(0, PROJECT_DIR.lastIndexOf("/"));
  const ancestors: string[] = [];
  for (let d = projectDir.slice(0, projectDir.lastIndexOf("/")); d; d = d.slice(0, d.lastIndexOf("/"))) ancestors.push(d);
  return (p) => {
    if (!p.startsWith("/")) return p;
    const r = lexicalResolve(p.replace(/\/{2,}/g, "/"));
    if (r === projectDir || r.startsWith(projectDir + "/")) return PROJECT_DIR + r.slice(projectDir.length);
    const above = ancestors.find((a) => r.startsWith(a + "/node_modules/"));
    return above ? parent + r.slice(above.length) : p;
  };
}

/** npm extracting and reading package files is npm doing its job: not compared. */
function npmHousekeeping(actor: string, path: string): boolean {
  return actor === NPM_ACTOR && (path.includes("/node_modules/") || path.startsWith("node_modules/"));
}

/**
 * Reduce a run's events to its distinct fingerprints, each with the seq of
 * the first event that produced it. Events are taken in seq order.
 */
export interface ExtractOptions {
  /** The run's bait values (differ/bait.ts). */
  bait?: readonly string[];
  /** Where this run's sandbox installed (chosen per run, src/runner/sandbox/identity.ts):
   *  paths below it read as PROJECT_DIR, so runs compare whatever directory each had. */
  projectDir?: string;
}

export function extractFingerprints(events: readonly FangsEvent[], opts: ExtractOptions = {}): Fingerprint[] {
  const sorted = isSorted(events) ? events : [...events].sort((a, b) => a.seq - b.seq);
  const actors = new ActorResolver(sorted);
  const resolvers = npmResolvers(sorted, actors);
  const spawned = spawnTargets(sorted, actors);
  const out = new Map<string, Fingerprint>();
  const add = (category: Category, actor: string, value: string, seq: number) => {
    if (!value) return;
    const k = fingerprintKey({ category, actor, value });
    if (!out.has(k)) out.set(k, { category, actor, value, evidenceSeq: seq });
  };
  // The binary each pid ran before its latest event: an exec is the act of
  // the image that called it. sys_enter_execve reports that image itself (or
  // "" for a freshly forked child, which still runs its parent's binary);
  // sched_process_exec already reports the new one.
  const lastExe = new Map<number, string>();
  // npm and node re-open the same files many times: normalize each path once.
  const normalized = new Map<string, string>();
  const inProject = projectMapper(opts.projectDir);
  const norm = (p: string) => {
    let n = normalized.get(p);
    if (n === undefined) normalized.set(p, (n = normalizePath(inProject(p))));
    return n;
  };
  const imageOf = (e: FangsEvent) => e.exe || lastExe.get(e.pid) || e.ancestry[0]?.exe || "";
  // Files written during this run (exact names), for write-then-exec. npm's
  // own extraction into node_modules is how packages ship binaries, not a drop.
  const written = new Set<string>();
  /** A package's file under node_modules that no process of this run wrote (npm's extraction is not recorded as a write). */
  const shipped = (p: string | undefined) => {
    if (!p?.startsWith("/")) return false;
    const x = exactPath(p);
    return x.includes("/node_modules/") && !written.has(x);
  };
  const findBait = opts.bait?.length ? baitMatcher(opts.bait) : undefined;
  // The sensor's exit events (shared contract: new kinds may appear): a
  // process that exits after npm did was left running by the install.
  let npmExited: number | undefined;
  // A path the sensor cut or could not read is marked (marked()), so it never
  // equals a baseline value; "" would otherwise be dropped.
  const pathValue = (p: string, f: PathFacts, suffix = "") => marked(f, (f.unreadable ? "?" : norm(p)) + suffix);
  // The program is the binary the kernel ran; the name it was run as joins it
  // when they differ: busybox's applets are one binary ("/bin/busybox as
  // /bin/sh" vs "… as /bin/nc"), a script runs its interpreter, and a
  // symlink trick ("l/../../usr/bin/node") must not fold into a baseline
  // value. busybox re-executing itself via /proc/self/exe is named by argv[0].
  const execValue = (e: ExecEvent) => {
    const invoked = e.requested !== undefined && /^\/proc\/(self|\d+)\/exe$/.test(e.requested) && e.argv[0] ? e.argv[0] : e.requested;
    const as = invoked !== undefined && norm(invoked) !== norm(e.filename) ? ` as ${norm(invoked)}` : "";
    return pathValue(e.filename, e, as);
  };
  // The container runtime's set-up before npm starts (actors.npmStart): not
  // the package's, and seen whole on some runs only. Only a `proc:` actor's
  // events are set-up: anything npm or a script did stays whatever its seq.
  // A bait value is still looked for everywhere.
  const npmStart = actors.npmStart();
  // The phase by lineage (phase.ts); an import-phase process is `import:<bin>`.
  const phases = new PhaseTracker();
  let importExited: number | undefined;
  for (const e of sorted) {
    const who = { pid: e.pid, exe: imageOf(e), comm: e.comm, seq: e.seq };
    const phase = phases.see(e);
    const actorOf = (w: typeof who) => (phase === "import" ? IMPORT_ACTOR + (basename(w.exe) || w.comm || "?") : actors.actorOf(w));
    // The sandbox's PID 1 (init.ts) polling /proc for what is still alive is
    // the sandbox's own act; nothing the package runs can become PID 1.
    if (phases.init !== undefined && e.pid === phases.init) continue;
    if (findBait) {
      eachCaptured(e, (where, text) => {
        const hit = findBait(where, text);
        if (hit) add("bait_exfiltration", actorOf(who), baitValue(hit, where, text), e.seq);
      });
    }
    if (npmStart !== undefined && e.seq < npmStart && actors.actorOf(who).startsWith("proc:")) {
      lastExe.set(e.pid, e.kind === "exec" && e.source === "sched_process_exec" ? e.exe : who.exe);
      continue;
    }
    if ((e as { kind: string }).kind === "exit") {
      // install: alive after npm exited; import: alive after the loader exited.
      if (actors.isNpm(e.pid)) npmExited ??= e.seq;
      else if (e.pid === phases.importRoot) importExited ??= e.seq;
      else if (phase === "install" ? npmExited !== undefined : importExited !== undefined) add("proc_outlived_install", actorOf(who), norm(who.exe || e.comm), e.seq);
    }
    switch (e.kind) {
      case "exec": {
        if (e.source === "sched_process_exec") who.exe = lastExe.get(e.pid) || e.ancestry[0]?.exe || e.exe;
        const spawn = actors.isScriptSpawn(e);
        // npm looks for `sh` along the script's PATH, starting in
        // node_modules/.bin dirs whose places shift with hoisting: those
        // attempts are npm's search, not behaviour. A package that ships its
        // own `.bin/sh` still shows: its exec succeeds (sched_process_exec).
        if (spawn && e.source !== "sched_process_exec" && NPM_SEARCH_DIR.test(e.filename)) break;
        // The rest of that search walks PATH (/usr/local/bin/sh, /usr/bin/sh,
        // …): when the kernel confirmed which one ran, the misses are not acts.
        if (spawn && e.source !== "sched_process_exec" && spawned.has(e.pid) && spawned.get(e.pid) !== e.filename) break;
        const actor = spawn ? NPM_ACTOR : actorOf(who);
        const m = e as PathMarks;
        // Exec (or a failed attempt: noexec /tmp) of a file this run wrote, or
        // an interpreter handed one: keeps its exact name, never normalized.
        const target = exactPath(e.filename);
        const dropped = m.fileless ? target : written.has(target) ? target : written.size ? argvPaths(e.argv).find((a) => written.has(a)) : undefined;
        if (dropped !== undefined && !m.path_truncated && !m.unreadable) {
          add("proc_exec_written", actor, m.fileless ? `<fileless> ${dropped}` : exactPath(dropped), e.seq);
          if (dropped === target || m.fileless) break;
        }
        // Failed attempts (ENOENT along PATH) count too: trying curl is news.
        add("proc_new_exec", actor, execValue(e), e.seq);
        break;
      }
      case "file": {
        const actor = actorOf(who);
        if (npmHousekeeping(actor, e.path)) break;
        // node loading the installed modules is the import phase doing its job (reads only).
        if (phase === "import" && e.access === "read" && e.path.includes("/node_modules/")) break;
        if (e.access === "read" && (LIBC_READS.has(e.path) || (SYSTEM_LIBRARY.test(e.path) && !(e as PathMarks).path_truncated))) break;
        const m = e as PathMarks;
        // Any access but a read makes the name (symlink, link, rename, …),
        // except what puts no new content there: a mode change (a file this
        // run wrote stays written) and a new name for a package's file as npm
        // extracted it (esbuild links its platform binary over its JS shim,
        // then runs it: the platform-binary check of issue 12). A new name for
        // a file this run wrote, or for anything outside node_modules, is one.
        if (e.access !== "read" && e.access !== "chmod" && !((e.access === "link" || e.access === "rename") && shipped(e.target))) {
          for (const w of [e.path, m.requested]) if (w && droppable(w)) written.add(exactPath(w));
        }
        // a link-class operation names both ends: "x -> /root/.npmrc" is a
        // planted symlink to the credentials (classified by what it ends in)
        const value = pathValue(e.path, e, e.target ? ` -> ${norm(e.target)}` : "");
        add(e.access === "read" ? "fs_new_path_read" : "fs_new_path_write", actor, value, e.seq);
        break;
      }
      case "connect":
        // an unconnected sendto/sendmsg shows as a connect from that syscall (one per destination)
        add("net_new_destination", actorOf(who), e.unreadable ? UNREADABLE + "?" : endpointValue(e.family, e.address, e.port, e.proto, "connect", resolvers), e.seq);
        break;
      case "socket":
        // a raw or packet socket sees traffic no listen() announces
        add("net_new_listen", actorOf(who), `socket:${e.family}/${e.type}/${e.protocol}`, e.seq);
        break;
      case "listen":
        // bind() to port 0 asks for an ephemeral port (every UDP client does
        // it); what listens shows in the listen() that follows.
        if (e.port === 0 && e.family !== "unix") break;
        add("net_new_listen", actorOf(who), endpointValue(e.family, e.address, e.port, e.proto, "listen"), e.seq);
        break;
      case "dns": {
        const actor = actorOf(who);
        add("net_new_dns_name", actor, normalizeHost(e.qname), e.seq);
        // An unconnected sendto/sendmsg shows no connect: the resolver asked
        // is itself a destination (DNS sent straight to an attacker's server).
        if (e.server) add("net_new_destination", actor, endpointValue(e.server.includes(":") ? "inet6" : "inet", e.server, e.port, "udp", "connect", resolvers), e.seq);
        break;
      }
      case "tls":
        add("net_new_https_host", actorOf(who), normalizeHost(e.sni), e.seq);
        break;
    }
    lastExe.set(e.pid, e.kind === "exec" && e.source === "sched_process_exec" ? e.exe : who.exe);
  }
  return [...out.values()];
}

/** pid → the shell file a script spawn really ran (its sched_process_exec), when recorded. */
function spawnTargets(events: readonly FangsEvent[], actors: ActorResolver): Map<number, string> {
  const out = new Map<number, string>();
  for (const e of events) if (e.kind === "exec" && e.source === "sched_process_exec" && actors.isScriptSpawn(e) && !out.has(e.pid)) out.set(e.pid, e.filename);
  return out;
}

/** The name servers npm itself used in this run (see endpointValue). */
function npmResolvers(events: readonly FangsEvent[], actors: ActorResolver): Set<string> {
  const out = new Set<string>();
  for (const e of events) {
    const server = e.kind === "dns" ? e.server : e.kind === "connect" && e.port === 53 ? e.address : undefined;
    if (server && actors.actorOf({ pid: e.pid, exe: e.exe || e.ancestry[0]?.exe || "", comm: e.comm, seq: e.seq }) === NPM_ACTOR) out.add(canonicalAddress(server));
  }
  return out;
}

function isSorted(events: readonly FangsEvent[]): boolean {
  for (let i = 1; i < events.length; i++) if (events[i - 1].seq > events[i].seq) return false;
  return true;
}
