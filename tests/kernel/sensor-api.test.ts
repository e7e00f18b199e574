// The Sensor interface the runner uses (src/sensor/types.ts), in-process on the
// real kernel: duplicate watch refused, poll(max) bounded and lossless,
// counters kept after unwatch, unwatched cgroups silent, close idempotent.
import { afterAll, expect, test } from "bun:test";
import { openSensor } from "../../src/sensor/sensor.ts";
import { makeCgroup, runIn, workload } from "./helpers.ts";
import { tempDir } from "../lib/env.ts";
import { join } from "node:path";

const sensor = openSensor({ ringBytes: 1 << 22, log: () => {} });
const cg = makeCgroup("api");
afterAll(() => {
  sensor.close(); // detaching ~60 tracepoint links takes seconds on a busy host
  sensor.close(); // idempotent
  cg.remove();
}, 30_000);

test("probes are reported with names and status", () => {
  const names = sensor.probes.map((p) => p.name);
  expect(names).toContain("sys_enter_openat");
  expect(names).toContain("kprobe:tcp_v4_connect");
  for (const p of sensor.probes) if (!p.active) expect(p.detail).toBeTruthy();
});

test("a second sensor in the same process is refused with a hint", () => {
  expect(() => openSensor({ ringBytes: 4096 })).toThrow(/already open/);
});

test("watch, poll in bounded slices, counters survive unwatch", () => {
  sensor.watchCgroup(cg.id);
  expect(() => sensor.watchCgroup(cg.id)).toThrow("AddCgroup: cgroup id already registered");
  const target = join(tempDir("fangs-api-"), "nothing-here");
  const run = runIn(cg.path, [workload(), "flood", target, "500"]);
  const got = [];
  for (let batch = sensor.poll(100); batch.length; batch = sensor.poll(100)) {
    expect(batch.length).toBeLessThanOrEqual(100);
    got.push(...batch);
  }
  const opens = got.filter((e) => e.kind === "file" && e.pid === run.pid && e.path === target);
  expect(opens.length).toBe(500);
  expect(got.every((e) => e.cgroup_id === cg.id.toString())).toBe(true);
  const before = sensor.counters(cg.id);
  expect(before.events).toBe(got.length);
  sensor.unwatchCgroup(cg.id);
  expect(sensor.dropped(cg.id)).toEqual({ ringbuf: 0, read_failures: before.read_failures, decode: 0 });
  expect(sensor.counters(cg.id).events).toBe(before.events);

  runIn(cg.path, [workload(), "open", target]); // no longer watched
  expect(sensor.poll()).toEqual([]);
  expect(sensor.totals().events).toBeGreaterThanOrEqual(before.events);
});
