// The contract between the eBPF sensor (src/sensor/, owned with bpf/ and
// native/) and its users (the runner, `fangs runner doctor`, tests). The
// implementation is src/sensor/sensor.ts (`openSensor`).
import type { SensorEvent } from "../events/types.ts";
import type { ProbeStatus } from "../protocol/runner.ts";

export type { ProbeStatus, SensorEvent };

export interface SensorOptions {
  /** Ring buffer size in bytes (power of two, multiple of the page size). Default 64 MiB. */
  ringBytes?: number;
  /** Where warn-and-continue messages go (probe attach failures, mounts). */
  log?: (line: string) => void;
}

export interface DropCounts {
  /** Ring-buffer reservations that failed in the kernel for this cgroup. */
  ringbuf: number;
  /** Strings the kernel could not read (bpf_probe_read_user_str failures). */
  read_failures: number;
  /** Records the TS decoder rejected (short/unknown). */
  decode: number;
}

export interface Sensor {
  /** Every probe tried at load, with whether it attached (and why not). */
  readonly probes: ProbeStatus[];
  /** Start reporting tasks in this cgroup (and its descendants). Throws
   *  "AddCgroup: cgroup id already registered" on a duplicate. */
  watchCgroup(cgroupId: bigint): void;
  unwatchCgroup(cgroupId: bigint): void;
  /** Drain up to `max` pending events (decoded). cgroup_id on each event is the
   *  WATCHED cgroup it belongs to, as a decimal string. Never blocks. */
  poll(max?: number): SensorEvent[];
  dropped(cgroupId: bigint): DropCounts;
  close(): void;
}
