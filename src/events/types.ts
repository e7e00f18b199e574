// The decoded shape of a kernel event, as the runner streams it and the
// orchestrator stores it (events.body), defined once: the valibot schemas below
// are what the orchestrator validates every batch with (src/protocol/runner.ts
// EventBatch), and the TypeScript types are inferred from them, so the decoder
// (src/events/decode.ts, the only code that turns the wire format of
// bpf/events.h into these) cannot build a field the schema does not know.
// types.test.ts checks decoder output against the schemas for every op.
//
// Adding an optional field to every event is one line in `common`.
// Every string here is attacker-controlled: render with escaping.
import * as v from "valibot";

const str = (max: number) => v.pipe(v.string(), v.maxLength(max));
const u32 = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0xffffffff));
const int = v.pipe(v.number(), v.integer());
const port = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535));
const flag = v.optional(v.boolean());
/** errno of a failed call (positive). */
const errno = v.optional(u32);

/** One level of exec ancestry, nearest first (parent, grandparent, …; at most 5). */
export const Ancestor = v.object({
  pid: u32,
  comm: str(16),
  /** Binary path from the exec that created this process, "" when unknown. */
  exe: str(4096),
});
export type Ancestor = v.InferOutput<typeof Ancestor>;

const common = {
  /** Runner-assigned ordinal within the run, unique, starting at 0. */
  seq: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /** Kernel monotonic time (bpf_ktime_get_ns). */
  ts_ns: v.pipe(v.number(), v.minValue(0)),
  pid: u32,
  ppid: u32,
  uid: u32,
  comm: str(16),
  /** Binary path of the acting process ("" when unknown). */
  exe: str(4096),
  cgroup_id: str(24),
  ancestry: v.pipe(v.array(Ancestor), v.maxLength(5)),
  /** Which kernel hook produced it, e.g. "sys_enter_openat", "sched_process_exec". */
  source: str(64),
  /** The run's phase (src/differ/phase.ts), stamped by the runner; absent = "install" (older runners). */
  phase: v.optional(v.picklist(["install", "import"])),
};
export const EventCommon = v.object(common);
export type EventCommon = v.InferOutput<typeof EventCommon>;

/**
 * What is known about a path-bearing event's path (FileEvent.path,
 * ExecEvent.filename), which is the object the kernel resolved when the
 * sensor could resolve it (symlinks followed, cwd/dirfd applied), else the
 * string the process passed. All optional: events from older runners carry none.
 */
const pathFacts = {
  /** The path exceeded the sensor's buffer and is cut: it must never equal a baseline value. */
  path_truncated: flag,
  /** The path argument could not be read, at syscall entry nor at exit (the path is then ""). */
  unreadable: flag,
  /** The string the process asked for, when it differs from the path the kernel resolved. */
  requested: v.optional(str(4096)),
};
export const PathFacts = v.object(pathFacts);
export type PathFacts = v.InferOutput<typeof PathFacts>;

const family = v.picklist(["inet", "inet6", "unix"]);
const proto = v.picklist(["tcp", "udp", "unknown"]);

export const ExecEvent = v.object({
  ...common,
  ...pathFacts,
  kind: v.literal("exec"),
  /** The binary the kernel executed (mm->exe_file) for a successful exec; the requested name, made absolute, for a failed one. */
  filename: str(4096),
  argv: v.pipe(v.array(str(4096)), v.maxLength(64)),
  /** true when argv was cut at the wire limit */
  argv_truncated: flag,
  /** A failed exec attempt (ENOENT along PATH, EACCES on noexec); absent when it succeeded. */
  errno,
  /** The program has no name in the file system: a memfd, an unlinked file (`filename` is then e.g. "memfd:x"). */
  fileless: flag,
});

export const FileEvent = v.object({
  ...common,
  ...pathFacts,
  kind: v.literal("file"),
  /** The file the kernel opened (resolved from the new fd); for a failed open, the requested name made absolute. */
  path: str(4096),
  /** open(2) flags as passed (0 for the link-class operations). */
  flags: int,
  /** An open ("read" | "write" | "create") or a link-class operation on `path`. */
  access: v.picklist(["read", "write", "create", "symlink", "link", "rename", "unlink", "mkdir", "chmod"]),
  /** symlink: the link's content; link/rename: the old name (`path` is the new one). */
  target: v.optional(str(4096)),
  /** mkdir/chmod mode. */
  mode: v.optional(u32),
  /** Directory fd the path is relative to (-100 = AT_FDCWD). */
  dirfd: v.optional(int),
  /** The open failed with this errno (ENOENT on a probe for ~/.npmrc is still evidence). */
  errno,
});

/** A new process; the event's own pid/comm/exe are its creator's. */
export const ForkEvent = v.object({ ...common, kind: v.literal("fork"), child_pid: u32 });

/** The last thread of a process exited. */
export const ExitEvent = v.object({
  ...common,
  kind: v.literal("exit"),
  /** Exit status (0-255), when it exited rather than was killed. */
  exit_code: u32,
  /** The signal that killed it, if one did. */
  signal: v.optional(u32),
});

/** A raw or packet socket was created (crafted packets, sniffing). */
export const SocketEvent = v.object({ ...common, kind: v.literal("socket"), family: str(16), type: str(16), protocol: u32 });

export const ConnectEvent = v.object({
  ...common,
  kind: v.literal("connect"),
  family,
  address: str(4096),
  port,
  proto,
  /** The destination could not be read (address is then ""). */
  unreadable: flag,
  /** unix: the path asked for, when the socket file the kernel found differs (symlinks, relative names). */
  requested: v.optional(str(4096)),
  /** The connect failed with this errno (known for unix connects and late-read addresses). */
  errno,
});

export const DnsEvent = v.object({ ...common, kind: v.literal("dns"), qname: str(255), qtype: str(16), server: str(64), port });

export const TlsEvent = v.object({
  ...common,
  kind: v.literal("tls"),
  /** As the ClientHello carried it. Not capped at a DNS name's 255: a longer
   *  one (the payload holds 1024 bytes) must not get the batch refused. */
  sni: str(1024),
  /** Destination when known (sendto/connect-tracked socket), else "". */
  address: v.optional(str(64)),
  port: v.optional(port),
});

export const ListenEvent = v.object({
  ...common,
  kind: v.literal("listen"),
  family,
  /** unix: the socket file as the kernel resolved it joined to the name asked for: up to 512 + 108 bytes, so not 256. */
  address: str(4096),
  port,
  proto,
});

/** Any event, told apart by `kind`: the orchestrator validates batches with it. */
export const WireEvent = v.variant("kind", [ExecEvent, FileEvent, ConnectEvent, DnsEvent, TlsEvent, ListenEvent, ForkEvent, ExitEvent, SocketEvent]);

export type ExecEvent = v.InferOutput<typeof ExecEvent>;
export type FileEvent = v.InferOutput<typeof FileEvent>;
export type ForkEvent = v.InferOutput<typeof ForkEvent>;
export type ExitEvent = v.InferOutput<typeof ExitEvent>;
export type SocketEvent = v.InferOutput<typeof SocketEvent>;
export type ConnectEvent = v.InferOutput<typeof ConnectEvent>;
export type DnsEvent = v.InferOutput<typeof DnsEvent>;
export type TlsEvent = v.InferOutput<typeof TlsEvent>;
export type ListenEvent = v.InferOutput<typeof ListenEvent>;
export type FangsEvent = v.InferOutput<typeof WireEvent>;
export type EventKind = FangsEvent["kind"];
export const EVENT_KINDS: readonly EventKind[] = WireEvent.options.map((o) => o.entries.kind.literal);

/** An event as the sensor delivers it (no `seq` yet: the runner numbers them), still a union narrowable by `kind`. */
export type SensorEvent = FangsEvent extends infer E ? (E extends FangsEvent ? Omit<E, "seq"> : never) : never;
