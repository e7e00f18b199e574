// The decoded shape of a kernel event, as the runner streams it and the
// orchestrator stores it (events.body). The wire format the BPF side writes is
// bpf/events.h; src/events/decode.ts is the only code that turns one into the
// other. Every string here is attacker-controlled: render with escaping.

/** One level of exec ancestry, nearest first (parent, grandparent, …; at most 5). */
export interface Ancestor {
  pid: number;
  comm: string;
  /** Binary path from the exec that created this process, "" when unknown. */
  exe: string;
}

export interface EventCommon {
  /** Runner-assigned ordinal within the run, unique, starting at 0. */
  seq: number;
  /** Kernel monotonic time (bpf_ktime_get_ns). */
  ts_ns: number;
  pid: number;
  ppid: number;
  uid: number;
  comm: string;
  /** Binary path of the acting process ("" when unknown). */
  exe: string;
  cgroup_id: string;
  ancestry: Ancestor[];
  /** Which kernel hook produced it, e.g. "sys_enter_openat", "sched_process_exec". */
  source: string;
  /** The run's phase (src/differ/phase.ts), stamped by the runner; absent = "install". */
  phase?: "install" | "import";
}

/**
 * What is known about a path-bearing event's path (FileEvent.path,
 * ExecEvent.filename), which is the object the kernel resolved when the
 * sensor could resolve it (symlinks followed, cwd/dirfd applied), else the
 * string the process passed. All optional: older events carry none.
 */
export interface PathFacts {
  /** The path exceeded the sensor's buffer and is cut: it must never equal a baseline value. */
  path_truncated?: boolean;
  /** The path argument could not be read, at syscall entry nor at exit (the path is then ""). */
  unreadable?: boolean;
  /** The string the process asked for, when it differs from the path the kernel resolved. */
  requested?: string;
}

export interface ExecEvent extends EventCommon, PathFacts {
  kind: "exec";
  /** The binary the kernel executed (mm->exe_file) for a successful exec; the requested name, made absolute, for a failed one. */
  filename: string;
  argv: string[];
  /** true when argv was cut at the wire limit */
  argv_truncated?: boolean;
  /** A failed exec attempt (ENOENT along PATH, EACCES on noexec); absent when it succeeded. */
  errno?: number;
  /** The program has no name in the file system: a memfd, an unlinked file (`filename` is then e.g. "memfd:x"). */
  fileless?: boolean;
}

export interface FileEvent extends EventCommon, PathFacts {
  kind: "file";
  /** The file the kernel opened (resolved from the new fd); for a failed open, the requested name made absolute. */
  path: string;
  /** open(2) flags as passed (0 for the link-class operations). */
  flags: number;
  /** An open ("read" | "write" | "create") or a link-class operation on `path`. */
  access: "read" | "write" | "create" | "symlink" | "link" | "rename" | "unlink" | "mkdir" | "chmod";
  /** symlink: the link's content; link/rename: the old name (`path` is the new one). */
  target?: string;
  /** mkdir/chmod mode. */
  mode?: number;
  /** Directory fd the path is relative to (-100 = AT_FDCWD). */
  dirfd?: number;
  /** The open failed with this errno (ENOENT on a probe for ~/.npmrc is still evidence). */
  errno?: number;
}

/** A new process; the event's own pid/comm/exe are its creator's. */
export interface ForkEvent extends EventCommon {
  kind: "fork";
  child_pid: number;
}

/** The last thread of a process exited. */
export interface ExitEvent extends EventCommon {
  kind: "exit";
  /** Exit status (0-255), when it exited rather than was killed. */
  exit_code: number;
  /** The signal that killed it, if one did. */
  signal?: number;
}

/** A raw or packet socket was created (crafted packets, sniffing). */
export interface SocketEvent extends EventCommon {
  kind: "socket";
  family: string;
  type: string;
  protocol: number;
}

export interface ConnectEvent extends EventCommon {
  kind: "connect";
  family: "inet" | "inet6" | "unix";
  address: string;
  port: number;
  proto: "tcp" | "udp" | "unknown";
  /** The destination could not be read (address is then ""). */
  unreadable?: boolean;
  /** unix: the path asked for, when the socket file the kernel found differs (symlinks, relative names). */
  requested?: string;
  /** The connect failed with this errno (known for unix connects and late-read addresses). */
  errno?: number;
}

export interface DnsEvent extends EventCommon {
  kind: "dns";
  qname: string;
  qtype: string;
  server: string;
  port: number;
}

export interface TlsEvent extends EventCommon {
  kind: "tls";
  sni: string;
  /** Destination when known (sendto/connect-tracked socket), else "". */
  address?: string;
  port?: number;
}

export interface ListenEvent extends EventCommon {
  kind: "listen";
  family: "inet" | "inet6" | "unix";
  address: string;
  port: number;
  proto: "tcp" | "udp" | "unknown";
}

export type FangsEvent = ExecEvent | FileEvent | ConnectEvent | DnsEvent | TlsEvent | ListenEvent | ForkEvent | ExitEvent | SocketEvent;
export type EventKind = FangsEvent["kind"];
export const EVENT_KINDS: readonly EventKind[] = ["exec", "file", "connect", "dns", "tls", "listen", "fork", "exit", "socket"];

/** An event as the sensor delivers it (no `seq` yet: the runner numbers them), still a union narrowable by `kind`. */
export type SensorEvent = FangsEvent extends infer E ? (E extends FangsEvent ? Omit<E, "seq"> : never) : never;
