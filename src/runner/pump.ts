// One poller drains the sensor for all concurrent runs and hands each event to
// the run whose watched cgroup it belongs to. Events for a cgroup no run owns
// (should not happen) are counted, not dropped silently.
import type { Sensor, SensorEvent } from "../sensor/types.ts";

export type Sink = (events: SensorEvent[]) => void;

export class EventPump {
  private sinks = new Map<string, Sink>();
  private timer: ReturnType<typeof setInterval> | undefined;
  unrouted = 0;

  constructor(private readonly sensor: Pick<Sensor, "poll">, private readonly intervalMs = 10, private readonly maxPerPoll = 16384) {}

  start(): void {
    this.timer ??= setInterval(() => this.tick(), this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  add(cgroupId: bigint, sink: Sink): void {
    this.sinks.set(cgroupId.toString(), sink);
  }

  remove(cgroupId: bigint): void {
    this.sinks.delete(cgroupId.toString());
  }

  /** Poll until the sensor has nothing pending; returns how many were routed. */
  tick(): number {
    let n = 0;
    for (;;) {
      const evs = this.sensor.poll(this.maxPerPoll);
      if (evs.length === 0) return n;
      n += evs.length;
      const groups = new Map<string, SensorEvent[]>();
      for (const e of evs) {
        const g = groups.get(e.cgroup_id);
        if (g) g.push(e);
        else groups.set(e.cgroup_id, [e]);
      }
      for (const [cg, list] of groups) {
        const sink = this.sinks.get(cg);
        if (sink) sink(list);
        else this.unrouted += list.length;
      }
      if (evs.length < this.maxPerPoll) return n;
    }
  }

  /** After a container exited all its events are already in the ring: drain
   *  until empty, with a short second look for records still being copied. */
  async drain(): Promise<void> {
    this.tick();
    await Bun.sleep(30);
    this.tick();
  }
}
