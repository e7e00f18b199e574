// openSensor(): the eBPF sensor behind src/sensor/types.ts. Lifecycle: mount
// tracefs/bpffs if missing -> load the embedded BPF object through the shim
// (every probe this kernel accepts) -> attach the SSL_ctrl uprobes -> watch
// cgroups -> poll (pull: the shim copies ring records into a buffer we own)
// -> close. Drops are counted at every level: kernel ring reservations and
// string reads (per cgroup, in BPF), and records the decoder rejects (here).
import { readFileSync } from "node:fs";
import { decodeFrames, DecodeError, type DecodedBatch } from "../events/decode.ts";
import { LAYOUT, PROBE_NAMES } from "../events/opcodes.ts";
import { FangsError } from "../core/errors.ts";
import * as ffi from "./ffi.ts";
import { bpfObjectPath } from "./ffi.ts";
import { defaultSslTargets } from "./ssl-targets.ts";
import type { DropCounts, ProbeStatus, Sensor, SensorEvent, SensorOptions } from "./types.ts";

export const DEFAULT_RING_BYTES = 64 * 1024 * 1024;
const DRAIN_BYTES = 16 * 1024 * 1024;
const MAX_DRAINS_PER_POLL = 8;

export interface OpenSensorOptions extends SensorOptions {
  /** Binaries to attach the SSL_ctrl uprobe to (default: host libssl + node). */
  sslTargets?: string[];
  /** Mount tracefs and bpffs when missing (default true). */
  mountFilesystems?: boolean;
}

export interface CgroupCounters extends DropCounts {
  /** Records the kernel submitted for this cgroup. */
  events: number;
  /** Repeats the kernel folded into an earlier record (same process and object): counted, not sent. */
  aggregated: number;
}

export interface FangsSensor extends Sensor {
  /** Attach the SSL_ctrl uprobe to one more binary (e.g. node inside the sandbox image). */
  attachSslUprobe(binary: string): ProbeStatus;
  /** Kernel + decoder counters for a cgroup (watched now, or last seen before unwatch). */
  counters(cgroupId: bigint): CgroupCounters;
  /** Totals across all cgroups since load. */
  totals(): CgroupCounters;
}

let openCount = 0;

function probeDetail(p: ffi.NativeProbe): string | undefined {
  if (p.stage === "active") return undefined;
  if (p.stage === "standby") return "standby: a better hook covers it on this kernel";
  const err = p.errno ? ` (errno ${p.errno})` : "";
  return p.stage === "load" ? `the kernel refused to load it${err}` : `attach failed${err}`;
}

export function openSensor(opts: OpenSensorOptions = {}): FangsSensor {
  const log = opts.log ?? ((line: string) => process.stderr.write(line + "\n"));
  const ringBytes = opts.ringBytes ?? DEFAULT_RING_BYTES;
  if (ringBytes < 4096 || (ringBytes & (ringBytes - 1)) !== 0) {
    throw new FangsError(`ring buffer size ${ringBytes} is not a power of two of at least 4096 bytes`, { hint: "use e.g. 67108864 (64 MiB)" });
  }
  if (openCount > 0) throw new FangsError("the sensor is already open in this process", { hint: "close it first; one sensor serves every run" });

  if (opts.mountFilesystems !== false) {
    for (const [fs, path] of [["tracefs", "/sys/kernel/tracing"], ["bpf", "/sys/fs/bpf"]] as const) {
      try {
        if (ffi.nativeEnsureMount(fs, path) === "mounted") log(`sensor: mounted ${fs} at ${path}`);
      } catch (e) {
        log(`sensor: warning: ${(e as Error).message}`);
      }
    }
  }

  ffi.nativeOpen(new Uint8Array(readFileSync(bpfObjectPath)), ringBytes);
  openCount++;

  const probes: ProbeStatus[] = [];
  for (const p of ffi.nativeProbes()) {
    if (p.program === "up_ssl_ctrl") continue; // reported per binary below
    const st: ProbeStatus = { name: PROBE_NAMES[p.program] ?? p.program, active: p.stage === "active" };
    const d = probeDetail(p);
    if (d) {
      st.detail = d;
      if (p.stage !== "standby") log(`sensor: probe ${st.name} inactive: ${d}`);
    }
    probes.push(st);
  }

  const attachSslUprobe = (binary: string): ProbeStatus => {
    const err = ffi.nativeAttachUprobe(binary, "SSL_ctrl");
    const st: ProbeStatus = { name: `uprobe:SSL_ctrl@${binary}`, active: !err };
    if (err) {
      st.detail = err.slice(0, 500);
      log(`sensor: probe ${st.name} inactive: ${err}`);
    }
    probes.push(st);
    return st;
  };
  for (const t of opts.sslTargets ?? defaultSslTargets()) attachSslUprobe(t);

  const drainBuf = new Uint8Array(DRAIN_BYTES);
  const pending: SensorEvent[] = [];
  const decodeErrors = new Map<string, number>(); // cgroup id (decimal) -> rejected records
  let decodeErrorsTotal = 0;
  const finalCounters = new Map<bigint, ffi.NativeCounters>(); // kept after unwatch
  let closed = false;

  const ensureOpen = () => {
    if (closed) throw new FangsError("the sensor is closed", { hint: "open a new one with openSensor()" });
  };

  const batch: DecodedBatch = { events: pending, errors: 0, skipped: 0, records: 0 };
  const rejected = (rec: Uint8Array) => {
    decodeErrorsTotal++;
    if (rec.length >= LAYOUT.fangs_hdr.cgroup_id + 8) {
      const id = new DataView(rec.buffer, rec.byteOffset, rec.length).getBigUint64(LAYOUT.fangs_hdr.cgroup_id, true).toString();
      decodeErrors.set(id, (decodeErrors.get(id) ?? 0) + 1);
    }
  };
  const drainOnce = (): number => {
    const used = ffi.nativeDrain(drainBuf);
    try {
      decodeFrames(drainBuf, used, batch, rejected);
    } catch (err) {
      // A frame that runs past what the shim wrote: the rest of this drain is
      // unreadable. Counted (the run's verdict becomes incomplete), not fatal.
      if (!(err instanceof DecodeError)) throw err;
      decodeErrorsTotal++;
      log(`sensor: ${err.message}; the rest of this drain is lost`);
    }
    return used;
  };

  const counters = (cgroupId: bigint): CgroupCounters => {
    const c = ffi.nativeCounters(cgroupId) ?? finalCounters.get(cgroupId) ?? { events: 0, ringbuf_drops: 0, read_failures: 0, aggregated: 0 };
    return { events: c.events, aggregated: c.aggregated, ringbuf: c.ringbuf_drops, read_failures: c.read_failures, decode: decodeErrors.get(cgroupId.toString()) ?? 0 };
  };

  return {
    probes,
    attachSslUprobe,
    watchCgroup(cgroupId) {
      ensureOpen();
      ffi.nativeWatch(cgroupId);
      finalCounters.delete(cgroupId);
    },
    unwatchCgroup(cgroupId) {
      ensureOpen();
      const c = ffi.nativeCounters(cgroupId);
      if (c) finalCounters.set(cgroupId, c);
      ffi.nativeUnwatch(cgroupId);
    },
    poll(max = Infinity) {
      ensureOpen();
      // Drain until the ring is empty or we hold enough; records stay in the
      // kernel ring (not lost) when our buffer is full. Bounded, so a process
      // that produces as fast as we drain cannot keep poll() from returning.
      for (let i = 0; i < MAX_DRAINS_PER_POLL && pending.length < max; i++) if (drainOnce() === 0) break;
      return pending.splice(0, Math.min(max, pending.length));
    },
    dropped(cgroupId) {
      const { events: _e, aggregated: _a, ...d } = counters(cgroupId);
      return d;
    },
    counters,
    totals() {
      const c = ffi.nativeCounters(0n) ?? { events: 0, ringbuf_drops: 0, read_failures: 0, aggregated: 0 };
      return { events: c.events, aggregated: c.aggregated, ringbuf: c.ringbuf_drops, read_failures: c.read_failures, decode: decodeErrorsTotal };
    },
    close() {
      if (closed) return;
      closed = true;
      ffi.nativeClose();
      openCount--;
    },
  };
}
