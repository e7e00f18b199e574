import { expect, test } from "bun:test";
import { EventPump } from "./pump.ts";
import type { SensorEvent } from "../sensor/types.ts";

// A pending-event queue in place of the kernel ring: the pump is what is tested.
function source(cgroups: string[]) {
  const queue = cgroups.map((cg, i) => ({ kind: "exec", cgroup_id: cg, pid: i }) as unknown as SensorEvent);
  return { poll: (max = 100) => queue.splice(0, max) };
}

test("routes each event to the run whose cgroup it belongs to, counts the rest", () => {
  const got: Record<string, number[]> = { a: [], b: [] };
  const pump = new EventPump(source(["10", "20", "10", "30", "20", "10"]), 10, 4);
  pump.add(10n, (evs) => got.a.push(...evs.map((e) => e.pid)));
  pump.add(20n, (evs) => got.b.push(...evs.map((e) => e.pid)));
  expect(pump.tick()).toBe(6); // two polls: 4 + 2
  expect(got).toEqual({ a: [0, 2, 5], b: [1, 4] });
  expect(pump.unrouted).toBe(1);
});
