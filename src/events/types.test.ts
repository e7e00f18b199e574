// The event shape is defined once (types.ts, valibot); the decoder's output
// type is inferred from it, and this test checks at run time that whatever the
// decoder makes of any record validates against the schema the orchestrator
// checks batches with: a field, a width or a value the decoder can produce and
// the schema refuses would make the orchestrator reject a whole batch.
import { expect, test } from "bun:test";
import * as v from "valibot";
import { decodeRecord, DecodeError } from "./decode.ts";
import { LAYOUT, OP, PAYLOAD, SOURCES } from "./opcodes.ts";
import { EVENT_KINDS, WireEvent } from "./types.ts";
import { WireEvent as ProtocolWireEvent } from "../protocol/runner.ts";

const SIZES: Record<number, number> = {
  [OP.EXEC]: LAYOUT.fangs_exec_ev.size,
  [OP.FILE]: LAYOUT.fangs_file_ev.size,
  [OP.CONNECT]: LAYOUT.fangs_net_ev.size,
  [OP.LISTEN]: LAYOUT.fangs_net_ev.size,
  [OP.PAYLOAD]: LAYOUT.fangs_payload_ev.size,
  [OP.SNI]: LAYOUT.fangs_sni_ev.size,
  [OP.FORK]: LAYOUT.fangs_fork_ev.size,
  [OP.EXIT]: LAYOUT.fangs_exit_ev.size,
  [OP.SOCKET]: LAYOUT.fangs_socket_ev.size,
  [OP.FILEOP]: LAYOUT.fangs_fileop_ev.size,
};

// Deterministic (xorshift), so a failure reproduces.
let seed = 0x9e3779b9;
const rand = () => ((seed ^= seed << 13), (seed ^= seed >>> 17), (seed ^= seed << 5), seed >>> 0);
const pick = <T>(xs: readonly T[]) => xs[rand() % xs.length];
/** Printable ASCII most of the time (long strings fill every field), any byte sometimes. */
const byte = () => (rand() % 8 === 0 ? rand() & 255 : 33 + (rand() % 94));
const enc = new TextEncoder();

function dnsQuery(): Uint8Array {
  const labels = Array.from({ length: 1 + (rand() % 8) }, () => "a".repeat(1 + (rand() % 63)));
  const name = labels.flatMap((l) => [l.length, ...enc.encode(l)]);
  return new Uint8Array([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...name, 0, 0, pick([1, 28, 16, 255, 999]), 0, 1]);
}

function clientHello(): Uint8Array {
  const name = [...enc.encode("x".repeat(1 + (rand() % 300)))];
  const ext = [0, 0, (name.length + 5) >> 8, (name.length + 5) & 255, (name.length + 3) >> 8, (name.length + 3) & 255, 0, name.length >> 8, name.length & 255, ...name];
  const body = [3, 3, ...new Array(32).fill(7), 0, 0, 2, 0x13, 1, 1, 0, ext.length >> 8, ext.length & 255, ...ext];
  const hs = [1, 0, body.length >> 8, body.length & 255, ...body];
  return new Uint8Array([0x16, 3, 1, hs.length >> 8, hs.length & 255, ...hs]);
}

function record(op: number): Uint8Array {
  const b = new Uint8Array(SIZES[op]);
  for (let i = 0; i < b.length; i++) b[i] = byte();
  const dv = new DataView(b.buffer);
  const H = LAYOUT.fangs_hdr;
  dv.setUint32(H.op, op, true);
  dv.setUint32(H.source, rand() % SOURCES.length, true);
  dv.setUint32(H.n_ancestors, rand() % 7, true);
  for (const off of [H.pid, H.ppid, H.uid, H.flags]) dv.setUint32(off, rand(), true);
  if (op === OP.CONNECT || op === OP.LISTEN) {
    dv.setUint16(LAYOUT.fangs_net_ev.family, pick([0, 1, 2, 10, 16, 17]), true);
    dv.setInt32(LAYOUT.fangs_net_ev.ret, pick([0, -2, -111, rand() | 0]), true);
  }
  if (op === OP.PAYLOAD) {
    const P = LAYOUT.fangs_payload_ev;
    const kind = pick([PAYLOAD.DNS, PAYLOAD.TLS]);
    const data = kind === PAYLOAD.DNS ? dnsQuery() : clientHello();
    dv.setUint16(P.family, pick([2, 10]), true);
    dv.setUint16(P.kind, kind, true);
    dv.setUint16(P.sock_type, 2, true);
    dv.setUint32(P.len, Math.min(data.length, b.length - P.data), true);
    b.set(data.subarray(0, b.length - P.data), P.data);
  }
  if (op === OP.EXEC) {
    dv.setUint32(LAYOUT.fangs_exec_ev.argc, rand() % 80, true);
    dv.setUint32(LAYOUT.fangs_exec_ev.args_len, rand() % 1100, true);
    dv.setInt32(LAYOUT.fangs_exec_ev.ret, pick([0, -2, -13, rand() | 0]), true);
  }
  if (op === OP.FILE) dv.setInt32(LAYOUT.fangs_file_ev.ret, pick([3, -2, rand() | 0]), true);
  if (op === OP.FILEOP) {
    dv.setUint32(LAYOUT.fangs_fileop_ev.fop, 1 + (rand() % 7), true);
    dv.setInt32(LAYOUT.fangs_fileop_ev.ret, pick([0, -2, rand() | 0]), true);
  }
  return b;
}

test("every event the decoder makes of any record validates against the one schema", () => {
  const seen = new Set<string>();
  for (const op of Object.values(OP)) {
    for (let n = 0; n < 300; n++) {
      const b = record(op);
      let e;
      try {
        e = decodeRecord(b);
      } catch (err) {
        if (err instanceof DecodeError) continue;
        throw err;
      }
      if (!e) continue;
      const r = v.safeParse(WireEvent, { ...e, seq: n });
      if (!r.success) throw new Error(`op ${op}: ${v.summarize(r.issues)}\n${JSON.stringify(e).slice(0, 2000)}`);
      // No field the schema does not name (valibot's object strips unknown keys).
      expect(Object.keys(e).filter((k) => !(k in r.output)), `op ${op}`).toEqual([]);
      seen.add(e.kind);
    }
  }
  expect([...seen].sort()).toEqual([...EVENT_KINDS].sort());
});

test("the protocol validates batches with the same definition, and EVENT_KINDS is read from it", () => {
  expect(ProtocolWireEvent).toBe(WireEvent);
  expect(EVENT_KINDS).toEqual(["exec", "file", "connect", "dns", "tls", "listen", "fork", "exit", "socket"]);
});
