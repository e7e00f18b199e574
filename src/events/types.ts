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
}

export interface ExecEvent extends EventCommon {
  kind: "exec";
  filename: string;
  argv: string[];
  /** true when argv was cut at the wire limit */
  argv_truncated?: boolean;
}

export interface FileEvent extends EventCommon {
  kind: "file";
  path: string;
  /** open(2) flags as passed. */
  flags: number;
  access: "read" | "write" | "create";
  /** Directory fd the path is relative to (-100 = AT_FDCWD). */
  dirfd?: number;
}

export interface ConnectEvent extends EventCommon {
  kind: "connect";
  family: "inet" | "inet6" | "unix";
  address: string;
  port: number;
  proto: "tcp" | "udp" | "unknown";
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

export type FangsEvent = ExecEvent | FileEvent | ConnectEvent | DnsEvent | TlsEvent | ListenEvent;
export type EventKind = FangsEvent["kind"];
export const EVENT_KINDS: readonly EventKind[] = ["exec", "file", "connect", "dns", "tls", "listen"];

/** An event as the sensor delivers it (no `seq` yet: the runner numbers them), still a union narrowable by `kind`. */
export type SensorEvent = FangsEvent extends infer E ? (E extends FangsEvent ? Omit<E, "seq"> : never) : never;
