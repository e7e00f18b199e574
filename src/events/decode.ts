// The ONE decoder of kernel records (bpf/events.h) into event objects
// (src/events/types.ts, minus `seq`, which the runner assigns). Explicit
// little-endian reads at the offsets in opcodes.ts; a record that is too short
// or of an unknown kind is a DecodeError, never a crash or a garbage event.
// Every string here is attacker-controlled: it is decoded as text, never
// interpreted; output layers escape or JSON-encode it.
import type { Ancestor, ConnectEvent, DnsEvent, EventCommon, ExecEvent, ExitEvent, FileEvent, ForkEvent, ListenEvent, PathFacts, SocketEvent, TlsEvent } from "./types.ts";
import type { SensorEvent } from "./types.ts";
import { ANCESTORS, FLAG, FOPS, LAYOUT, OP, PATHF, PATH_LEN, PAYLOAD, RPATH_LEN, SOURCES } from "./opcodes.ts";

export class DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DecodeError";
  }
}

type Common = Omit<EventCommon, "seq">;
/** What the sensor delivers: the event minus the runner-assigned seq. */
type W<T> = Omit<T, "seq">;
const utf8 = new TextDecoder("utf-8");
const H = LAYOUT.fangs_hdr;
const A = LAYOUT.fangs_ancestor;

/** A NUL-terminated string inside a fixed-size field. */
function cstr(b: Uint8Array, off: number, max: number): string {
  const end = Math.min(off + max, b.length);
  let i = off;
  while (i < end && b[i] !== 0) i++;
  return utf8.decode(b.subarray(off, i));
}

function need(b: Uint8Array, size: number, what: string): void {
  if (b.length < size) throw new DecodeError(`${what} record is ${b.length} bytes, expected ${size}`);
}

/** The identity part of a header: comm, exe and the ancestry, as raw bytes and decoded. */
interface Identity { raw: Uint8Array; comm: string; exe: string; ancestry: Ancestor[] }
/**
 * Last identity seen per pid. A process's records repeat the same 900 bytes
 * of comm/exe/ancestry until it execs or is re-parented; comparing them
 * (native memcmp) is much cheaper than decoding a dozen strings per record,
 * which was most of the decoder's time. Any byte that differs decodes anew.
 */
const identities = new Map<number, Identity>();
const IDENTITY_CACHE_MAX = 4096;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

function identity(b: Uint8Array, dv: DataView, pid: number): Identity {
  const n = Math.min(dv.getUint32(H.n_ancestors, true), ANCESTORS);
  // n_ancestors, comm, exe and the ancestors in use (the slots past n are not written)
  const raw = b.subarray(H.n_ancestors, H.ancestors + n * A.size);
  const hit = identities.get(pid);
  if (hit && sameBytes(hit.raw, raw)) return hit;
  const ancestry: Ancestor[] = [];
  for (let i = 0; i < n; i++) {
    const o = H.ancestors + i * A.size;
    ancestry.push({ pid: dv.getUint32(o + A.pid, true), comm: cstr(b, o + A.comm, 16), exe: cstr(b, o + A.exe, 128) });
  }
  // frozen: records of one process share it, so nobody may change it in place
  for (const a of ancestry) Object.freeze(a);
  const id: Identity = { raw: raw.slice(), comm: cstr(b, H.comm, 16), exe: cstr(b, H.exe, 128), ancestry: Object.freeze(ancestry) as Ancestor[] };
  if (identities.size >= IDENTITY_CACHE_MAX) identities.clear();
  identities.set(pid, id);
  return id;
}

/** A u64 as a Number (exact below 2^53), without a BigInt per record. */
function u64(dv: DataView, off: number): number {
  return dv.getUint32(off + 4, true) * 4294967296 + dv.getUint32(off, true);
}

/** A u64 in decimal; exact for every value (BigInt only past 2^53). */
function u64String(dv: DataView, off: number): string {
  const hi = dv.getUint32(off + 4, true);
  return hi < 0x200000 ? String(hi * 4294967296 + dv.getUint32(off, true)) : dv.getBigUint64(off, true).toString();
}

function header(b: Uint8Array, dv: DataView): Common {
  const pid = dv.getUint32(H.pid, true);
  const id = identity(b, dv, pid);
  return {
    ts_ns: u64(dv, H.ts_ns),
    pid,
    ppid: dv.getUint32(H.ppid, true),
    uid: dv.getUint32(H.uid, true),
    comm: id.comm,
    exe: id.exe,
    cgroup_id: u64String(dv, H.cgroup_id),
    ancestry: id.ancestry,
    source: SOURCES[dv.getUint32(H.source, true)] ?? "unknown",
  };
}

// ---- addresses -------------------------------------------------------------

const AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10;

export function ipv4(b: Uint8Array, off: number): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

/** RFC 5952 text form (longest zero run compressed; IPv4-mapped kept dotted). */
export function ipv6(b: Uint8Array, off: number): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push((b[off + 2 * i] << 8) | b[off + 2 * i + 1]);
  if (w.slice(0, 5).every((x) => x === 0) && w[5] === 0xffff) return `::ffff:${ipv4(b, off + 12)}`;
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = w.map((x) => x.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

function unixPath(b: Uint8Array, off: number, max: number): string {
  // abstract socket names start with a NUL; shown with a leading '@'
  return b[off] === 0 ? "@" + cstr(b, off + 1, max - 1) : cstr(b, off, max);
}

type Family = ConnectEvent["family"];
function family(n: number): Family | undefined {
  return n === AF_INET ? "inet" : n === AF_INET6 ? "inet6" : n === AF_UNIX ? "unix" : undefined;
}
function proto(fam: number, sockType: number): ConnectEvent["proto"] {
  if (fam === AF_UNIX) return "unknown";
  return sockType === 1 ? "tcp" : sockType === 2 ? "udp" : "unknown";
}
function address(b: Uint8Array, fam: number, addrOff: number): string {
  return fam === AF_INET ? ipv4(b, addrOff) : fam === AF_INET6 ? ipv6(b, addrOff) : "";
}

// ---- payload parsers (DNS query, TLS ClientHello) ----------------------------

const QTYPES: Record<number, string> = { 1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 15: "MX", 16: "TXT", 28: "AAAA", 33: "SRV", 64: "SVCB", 65: "HTTPS", 255: "ANY" };

/** The first question of a DNS query message, or undefined if it is not one. */
export function parseDnsQuery(m: Uint8Array): { qname: string; qtype: string } | undefined {
  if (m.length < 17) return undefined;
  const flags = (m[2] << 8) | m[3];
  const qdcount = (m[4] << 8) | m[5];
  if (flags & 0x8000 || qdcount < 1) return undefined; // a response, or no question
  const labels: string[] = [];
  let i = 12;
  let total = 0;
  while (i < m.length) {
    const len = m[i];
    if (len === 0) break;
    if (len > 63 || i + 1 + len > m.length) return undefined; // pointer or cut
    total += len + 1;
    if (total > 255) return undefined;
    labels.push(utf8.decode(m.subarray(i + 1, i + 1 + len)));
    i += 1 + len;
  }
  if (i + 3 > m.length || m[i] !== 0) return undefined;
  const qtype = (m[i + 1] << 8) | m[i + 2];
  return { qname: labels.join("."), qtype: QTYPES[qtype] ?? `TYPE${qtype}` };
}

/** The server_name of a TLS ClientHello record, or undefined. */
export function parseClientHelloSni(m: Uint8Array): string | undefined {
  const u16 = (o: number) => (m[o] << 8) | m[o + 1];
  if (m.length < 44 || m[0] !== 0x16 || m[5] !== 0x01) return undefined;
  let o = 5 + 4 + 2 + 32; // record header, handshake header, version, random
  if (o + 1 > m.length) return undefined;
  o += 1 + m[o]; // session id
  if (o + 2 > m.length) return undefined;
  o += 2 + u16(o); // cipher suites
  if (o + 1 > m.length) return undefined;
  o += 1 + m[o]; // compression methods
  if (o + 2 > m.length) return undefined;
  const extEnd = Math.min(m.length, o + 2 + u16(o));
  o += 2;
  while (o + 4 <= extEnd) {
    const type = u16(o), len = u16(o + 2);
    o += 4;
    if (type === 0) {
      // server_name_list: u16 list length, then (u8 type, u16 len, name)
      if (o + 5 > m.length || m[o + 2] !== 0) return undefined;
      const n = u16(o + 3);
      if (o + 5 + n > m.length || n === 0) return undefined;
      return utf8.decode(m.subarray(o + 5, o + 5 + n));
    }
    o += len;
  }
  return undefined;
}

// ---- one handler per op ---------------------------------------------------

/**
 * The path of a file/exec record and what is known about it: the object the
 * kernel resolved when the record has one, else the requested string (made
 * absolute against the directory it was looked up in). `requested` is kept
 * when it differs: "asked for X, opened Y" is evidence of its own.
 */
function pathOf(b: Uint8Array, dv: DataView, reqOff: number, resOff: number, flagsOff: number): { path: string; facts: PathFacts; pf: number } {
  const pf = dv.getUint32(flagsOff, true);
  const req = cstr(b, reqOff, PATH_LEN);
  const facts: PathFacts = {};
  let path = req;
  let truncated = (pf & PATHF.REQ_TRUNCATED) !== 0;
  if (pf & PATHF.RESOLVED) {
    path = cstr(b, resOff, RPATH_LEN);
    if (pf & PATHF.DELETED) path += " (deleted)";
    truncated = (pf & PATHF.RES_TRUNCATED) !== 0;
  } else if (pf & PATHF.BASE_ONLY && req && !req.startsWith("/")) {
    const base = cstr(b, resOff, RPATH_LEN);
    path = base.endsWith("/") ? base + req : `${base}/${req}`;
    truncated ||= (pf & PATHF.RES_TRUNCATED) !== 0;
  } else if (pf & PATHF.REQ_UNREADABLE) {
    facts.unreadable = true;
  }
  if (truncated) facts.path_truncated = true;
  if (req && req !== path) facts.requested = req;
  return { path, facts, pf };
}

/** = the argv count src/protocol/runner.ts accepts. */
export const ARGV_MAX = 64;

function decodeExec(b: Uint8Array, dv: DataView, c: Common): W<ExecEvent> {
  const L = LAYOUT.fangs_exec_ev;
  need(b, L.size, "exec");
  const len = Math.min(dv.getUint32(L.args_len, true), b.length - L.args);
  const argv = len > 0 ? utf8.decode(b.subarray(L.args, L.args + len)).split("\0") : [];
  if (argv.length && argv[argv.length - 1] === "") argv.pop();
  // The args buffer holds up to 1 KiB of short strings (a compiler's -I/-D
  // flags give hundreds): keep the protocol's count, or the orchestrator
  // refuses the whole batch this event is in.
  const cut = argv.length > ARGV_MAX;
  if (cut) argv.length = ARGV_MAX;
  const { path, facts, pf } = pathOf(b, dv, L.filename, L.resolved, L.path_flags);
  const e: W<ExecEvent> = { ...c, kind: "exec", filename: path, argv, ...facts };
  if (cut || dv.getUint32(H.flags, true) & FLAG.ARGS_TRUNCATED) e.argv_truncated = true;
  const ret = dv.getInt32(L.ret, true);
  if (ret < 0) e.errno = -ret;
  if (pf & PATHF.RESOLVED && pf & (PATHF.DETACHED | PATHF.DELETED)) e.fileless = true;
  return e;
}

function decodeFile(b: Uint8Array, dv: DataView, c: Common): W<FileEvent> {
  const L = LAYOUT.fangs_file_ev;
  need(b, L.size, "file");
  const flags = dv.getUint32(L.flags, true);
  const O_CREAT = 0o100;
  const access: FileEvent["access"] = flags & O_CREAT ? "create" : (flags & 3) === 0 ? "read" : "write";
  const { path, facts } = pathOf(b, dv, L.path, L.resolved, L.path_flags);
  const e: W<FileEvent> = { ...c, kind: "file", path, flags, access, dirfd: dv.getInt32(L.dirfd, true), ...facts };
  const ret = dv.getInt32(L.ret, true);
  if (ret < 0) e.errno = -ret;
  return e;
}

const FOP_ACCESS: Record<number, FileEvent["access"]> = {
  [FOPS.SYMLINK]: "symlink", [FOPS.LINK]: "link", [FOPS.RENAME]: "rename", [FOPS.UNLINK]: "unlink", [FOPS.MKDIR]: "mkdir", [FOPS.CHMOD]: "chmod",
};

/** symlink/link/rename/unlink/mkdir/chmod as a FileEvent whose `access` names the operation. */
function decodeFileop(b: Uint8Array, dv: DataView, c: Common): W<FileEvent> {
  const L = LAYOUT.fangs_fileop_ev;
  need(b, L.size, "file operation");
  const fop = dv.getUint32(L.fop, true);
  const access = FOP_ACCESS[fop];
  if (!access) throw new DecodeError(`unknown file operation ${fop}`);
  const { path, facts, pf } = pathOf(b, dv, L.path, L.resolved, L.path_flags);
  const dirfd = dv.getInt32(L.dirfd, true);
  const e: W<FileEvent> = { ...c, kind: "file", path, flags: 0, access, dirfd, ...facts };
  let target = cstr(b, L.path2, PATH_LEN);
  // link/rename: the old name is looked up like the new one; a symlink's
  // content is kept verbatim (it is resolved from the link's directory when used)
  if (target && !target.startsWith("/") && access !== "symlink" && pf & PATHF.BASE_ONLY && dv.getInt32(L.dirfd2, true) === dirfd) {
    const base = cstr(b, L.resolved, RPATH_LEN);
    target = base.endsWith("/") ? base + target : `${base}/${target}`;
  }
  if (target) e.target = target;
  if (access === "mkdir" || access === "chmod") e.mode = dv.getUint32(L.mode, true) & 0o7777;
  const ret = dv.getInt32(L.ret, true);
  if (ret < 0) e.errno = -ret;
  return e;
}

function decodeFork(b: Uint8Array, dv: DataView, c: Common): W<ForkEvent> {
  need(b, LAYOUT.fangs_fork_ev.size, "fork");
  return { ...c, kind: "fork", child_pid: dv.getUint32(LAYOUT.fangs_fork_ev.child_pid, true) };
}

function decodeExit(b: Uint8Array, dv: DataView, c: Common): W<ExitEvent> {
  need(b, LAYOUT.fangs_exit_ev.size, "exit");
  const status = dv.getInt32(LAYOUT.fangs_exit_ev.exit_code, true);
  const e: W<ExitEvent> = { ...c, kind: "exit", exit_code: (status >> 8) & 0xff };
  if (status & 0x7f) e.signal = status & 0x7f;
  return e;
}

const SOCK_FAMILIES: Record<number, string> = { 1: "unix", 2: "inet", 10: "inet6", 16: "netlink", 17: "packet" };
const SOCK_TYPES: Record<number, string> = { 1: "stream", 2: "dgram", 3: "raw", 5: "seqpacket", 10: "packet" };

function decodeSocket(b: Uint8Array, dv: DataView, c: Common): W<SocketEvent> {
  const L = LAYOUT.fangs_socket_ev;
  need(b, L.size, "socket");
  const fam = dv.getUint32(L.family, true), type = dv.getUint32(L.type, true);
  return { ...c, kind: "socket", family: SOCK_FAMILIES[fam] ?? `af${fam}`, type: SOCK_TYPES[type] ?? `type${type}`, protocol: dv.getUint32(L.protocol, true) };
}

function decodeNet(b: Uint8Array, dv: DataView, c: Common, kind: "connect" | "listen"): W<ConnectEvent> | W<ListenEvent> | null {
  const L = LAYOUT.fangs_net_ev;
  need(b, L.size, kind);
  const fam = dv.getUint16(L.family, true);
  const f = family(fam);
  if (!f) {
    // An address the kernel could not read is an unknown destination, not no destination.
    if (kind === "connect" && fam === 0 && dv.getUint32(H.flags, true) & FLAG.READ_FAILED) {
      return { ...c, kind, family: "inet", address: "", port: 0, proto: proto(0, dv.getUint16(L.sock_type, true)), unreadable: true };
    }
    return null; // AF_UNSPEC (dissolving a UDP association), netlink…: not a destination
  }
  let addr = fam === AF_UNIX ? unixPath(b, L.unix_path, 108) : address(b, fam, L.addr);
  let requested: string | undefined;
  if (fam === AF_UNIX) {
    // the peer's socket file as the kernel found it (unix connects are written at exit)
    const pf = dv.getUint32(L.path_flags, true);
    const res = cstr(b, L.resolved, RPATH_LEN);
    const resolved = pf & PATHF.RESOLVED ? res : pf & PATHF.BASE_ONLY && addr && !addr.startsWith("/") && !addr.startsWith("@") ? `${res.endsWith("/") ? res : res + "/"}${addr}` : addr;
    if (resolved !== addr) [requested, addr] = [addr, resolved];
  }
  const e = { ...c, kind, family: f, address: addr, port: fam === AF_UNIX ? 0 : dv.getUint16(L.port, true), proto: proto(fam, dv.getUint16(L.sock_type, true)) } as W<ConnectEvent> | W<ListenEvent>;
  if (kind === "connect") {
    const ret = dv.getInt32(L.ret, true);
    if (requested) (e as W<ConnectEvent>).requested = requested;
    if (ret < 0 && ret !== -115) (e as W<ConnectEvent>).errno = -ret; // EINPROGRESS: a non-blocking connect under way
  }
  return e;
}

function decodePayload(b: Uint8Array, dv: DataView, c: Common): W<DnsEvent> | W<TlsEvent> | null {
  const L = LAYOUT.fangs_payload_ev;
  // records are sized to what the parser reads (512 or 1024 payload bytes)
  need(b, L.data, "payload");
  const fam = dv.getUint16(L.family, true);
  const port = dv.getUint16(L.port, true);
  const sockType = dv.getUint16(L.sock_type, true);
  const len = dv.getUint32(L.len, true);
  need(b, L.data + len, "payload");
  let data = b.subarray(L.data, L.data + len);
  const server = address(b, fam, L.addr);
  if (dv.getUint16(L.kind, true) === PAYLOAD.DNS) {
    if (sockType === 1) data = data.subarray(2); // DNS over TCP: 2-byte length prefix
    const q = parseDnsQuery(data);
    return q ? { ...c, kind: "dns", qname: q.qname, qtype: q.qtype, server, port } : null;
  }
  const sni = parseClientHelloSni(data);
  return sni ? { ...c, kind: "tls", sni, address: server, port } : null;
}

function decodeSni(b: Uint8Array, _dv: DataView, c: Common): W<TlsEvent> | null {
  need(b, LAYOUT.fangs_sni_ev.size, "sni");
  const sni = cstr(b, LAYOUT.fangs_sni_ev.sni, 256);
  return sni ? { ...c, kind: "tls", sni, address: "", port: 0 } : null;
}

/**
 * Decode one record. Returns null for records that carry nothing reportable
 * (a payload that is not a DNS query or a ClientHello with SNI, an address
 * family that is not a destination); throws DecodeError on a malformed one.
 */
export function decodeRecord(b: Uint8Array): SensorEvent | null {
  need(b, H.size, "event header");
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const op = dv.getUint32(H.op, true);
  const c = header(b, dv);
  switch (op) {
    case OP.EXEC: return decodeExec(b, dv, c);
    case OP.FILE: return decodeFile(b, dv, c);
    case OP.CONNECT: return decodeNet(b, dv, c, "connect");
    case OP.LISTEN: return decodeNet(b, dv, c, "listen");
    case OP.PAYLOAD: return decodePayload(b, dv, c);
    case OP.SNI: return decodeSni(b, dv, c);
    case OP.FORK: return decodeFork(b, dv, c);
    case OP.EXIT: return decodeExit(b, dv, c);
    case OP.SOCKET: return decodeSocket(b, dv, c);
    case OP.FILEOP: return decodeFileop(b, dv, c);
    default: throw new DecodeError(`unknown event op ${op}`);
  }
}

export interface DecodedBatch { events: SensorEvent[]; errors: number; skipped: number; records: number }

/**
 * Decode a drain buffer as the shim frames it: per record u32 length, u32 0,
 * the record, padding to 8 bytes. A malformed record is counted, handed to
 * `rejected` (the sensor counts it per cgroup) and skipped; a frame that runs
 * past `used` throws a DecodeError (the events before it are already in out).
 * The one frame walker: the sensor drains through it.
 */
export function decodeFrames(buf: Uint8Array, used: number, out: DecodedBatch = { events: [], errors: 0, skipped: 0, records: 0 }, rejected?: (record: Uint8Array) => void): DecodedBatch {
  const dv = new DataView(buf.buffer, buf.byteOffset, used);
  let o = 0;
  while (o + 8 <= used) {
    const len = dv.getUint32(o, true);
    if (o + 8 + len > used) throw new DecodeError(`frame at ${o} claims ${len} bytes, only ${used - o - 8} left`);
    out.records++;
    const rec = buf.subarray(o + 8, o + 8 + len);
    try {
      const e = decodeRecord(rec);
      if (e) out.events.push(e);
      else out.skipped++;
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      out.errors++;
      rejected?.(rec);
    }
    o += 8 + ((len + 7) & ~7);
  }
  return out;
}
