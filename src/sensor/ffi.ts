// The one module that talks to native/libfangs.so through bun:ffi: it owns
// the dlopen symbol table and turns every negative errno into one sentence
// that says what to do. Both the shim and the BPF object are embedded in the
// compiled executable (Bun copies the .so to $TMPDIR to dlopen it, so a
// noexec TMPDIR breaks loading: the hint says so).
import { dlopen, FFIType, ptr, CString } from "bun:ffi";
import { FangsError } from "../core/errors.ts";
import shimPath from "../../native/build/libfangs.so" with { type: "file" };
import bpfObjectPathImport from "../../bpf/build/fangs.bpf.o" with { type: "file" };

const { i32, u32, u64, i64, ptr: p, void: none } = FFIType;

const SYMBOLS = {
  fangs_open: { args: [p, u64, u32], returns: i32 },
  fangs_close: { args: [], returns: none },
  fangs_probe_count: { args: [], returns: i32 },
  fangs_probe_info: { args: [u32, p, u32, p], returns: i32 },
  fangs_attach_uprobe: { args: [p, p], returns: i32 },
  fangs_watch: { args: [u64], returns: i32 },
  fangs_unwatch: { args: [u64], returns: i32 },
  fangs_counters: { args: [u64, p], returns: i32 },
  fangs_drain: { args: [p, u64], returns: i64 },
  fangs_layout: { args: [p, u32], returns: i32 },
  fangs_last_error: { args: [p, u32], returns: i32 },
  fangs_ensure_mount: { args: [p, p], returns: i32 },
} as const;

type Lib = ReturnType<typeof dlopen<typeof SYMBOLS>>["symbols"];
let lib: Lib | undefined;

function shim(): Lib {
  if (lib) return lib;
  try {
    lib = dlopen(shimPath, SYMBOLS).symbols;
  } catch (e) {
    const msg = (e as Error).message;
    // The shim links Debian's shared libbpf (native/Makefile); a host without
    // it fails here, and so does a TMPDIR mounted noexec (Bun copies the
    // embedded .so there to dlopen it).
    const missingLib = /lib(bpf|elf|z)\.so/.exec(msg);
    throw new FangsError(`cannot load the sensor shim (${msg})`, {
      hint: missingLib
        ? "install the sensor's libraries: apt-get install libbpf1 (it brings libelf1 and zlib1g)"
        : "point TMPDIR at a directory not mounted noexec",
    });
  }
  return lib;
}

const cstr = (s: string) => Buffer.from(s + "\0");

function lastError(): string {
  const buf = Buffer.alloc(512);
  const n = shim().fangs_last_error(buf, buf.length);
  return buf.subarray(0, Math.min(n, buf.length - 1)).toString();
}

/** What to do about a lifecycle failure, by errno. */
function hintFor(errno: number): string {
  switch (errno) {
    case 1: // EPERM
    case 13: // EACCES
      return "run as root (the sensor needs CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN) and check `fangs runner doctor`";
    case 12: // ENOMEM
      return "lower the ring buffer size or raise the memlock limit (ulimit -l)";
    case 22: // EINVAL
      return "the ring size must be a power of two and a multiple of the page size; check `fangs runner doctor`";
    case 17: // EEXIST
      return "each run's cgroup can be watched once: unwatch it first";
    default:
      return "run `fangs runner doctor` to see which sensor prerequisites are missing";
  }
}

/** Throw a FangsError if rc is a negative errno. */
function check(rc: number | bigint, what: string): number {
  const n = Number(rc);
  if (n < 0) throw new FangsError(`sensor ${what} failed: ${lastError() || `errno ${-n}`}`, { hint: hintFor(-n) });
  return n;
}

export const bpfObjectPath: string = bpfObjectPathImport;

export async function embeddedBpfObject(): Promise<Uint8Array> {
  return new Uint8Array(await Bun.file(bpfObjectPathImport).arrayBuffer());
}

export function nativeOpen(obj: Uint8Array, ringBytes: number): void {
  check(shim().fangs_open(obj, obj.byteLength, ringBytes), "load");
}

export function nativeClose(): void {
  lib?.fangs_close();
}

export interface NativeProbe { program: string; stage: "active" | "load" | "attach" | "deferred" | "standby"; errno: number }
/** FANGS_STAGE_* in native/fangs.h, by value. */
const STAGES = ["active", "load", "attach", "deferred", "standby"] as const;

export function nativeProbes(): NativeProbe[] {
  const n = shim().fangs_probe_count();
  const name = Buffer.alloc(160);
  const out = new Int32Array(2);
  const probes: NativeProbe[] = [];
  for (let i = 0; i < n; i++) {
    check(shim().fangs_probe_info(i, name, name.length, out), "probe info");
    probes.push({ program: new CString(ptr(name)).toString(), stage: STAGES[out[0]] ?? "load", errno: -out[1] });
  }
  return probes;
}

/** Attach the SSL_ctrl uprobe to one binary. Returns an error sentence, or undefined when attached. */
export function nativeAttachUprobe(binary: string, symbol: string): string | undefined {
  const rc = shim().fangs_attach_uprobe(cstr(binary), cstr(symbol));
  return rc < 0 ? lastError() : undefined;
}

export function nativeWatch(cgroupId: bigint): void {
  const rc = shim().fangs_watch(cgroupId);
  if (rc === -17) throw new FangsError("AddCgroup: cgroup id already registered", { hint: hintFor(17) });
  check(rc, `watch of cgroup ${cgroupId}`);
}

export function nativeUnwatch(cgroupId: bigint): void {
  check(shim().fangs_unwatch(cgroupId), `unwatch of cgroup ${cgroupId}`);
}

/** struct fangs_counters (bpf/events.h). */
export interface NativeCounters { events: number; ringbuf_drops: number; read_failures: number; aggregated: number }

/** Kernel counters for a watched cgroup (0 = totals); undefined when not watched. */
export function nativeCounters(cgroupId: bigint): NativeCounters | undefined {
  const out = new BigUint64Array(4);
  if (shim().fangs_counters(cgroupId, out) < 0) return undefined;
  return { events: Number(out[0]), ringbuf_drops: Number(out[1]), read_failures: Number(out[2]), aggregated: Number(out[3]) };
}

/** Copy pending ring records into buf (framed: u32 len, u32 0, bytes, pad to 8). Returns bytes used. */
export function nativeDrain(buf: Uint8Array): number {
  return check(shim().fangs_drain(buf, buf.byteLength), "drain");
}

/** Sizes/offsets of the compiled wire structs. */
export function nativeLayout(): Record<string, Record<string, number>> {
  const buf = Buffer.alloc(8192);
  const n = shim().fangs_layout(buf, buf.length);
  return JSON.parse(buf.subarray(0, n).toString());
}

/** Mount tracefs/bpffs if missing: "present" | "mounted"; throws when it cannot. */
export function nativeEnsureMount(fstype: "tracefs" | "bpf", path: string): "present" | "mounted" {
  const rc = check(shim().fangs_ensure_mount(cstr(fstype), cstr(path)), `mount of ${fstype}`);
  return rc === 1 ? "mounted" : "present";
}
