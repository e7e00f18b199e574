// A flood that overflows a deliberately tiny ring buffer must report exactly
// the drops it caused: events received + dropped == events generated. The
// generated count comes from the same workload under the default ring, where
// nothing may drop (a static binary: no loader opens, so it is deterministic).
import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import { tempDir } from "../lib/env.ts";
import { makeCgroup, runIn, startTrace, workload } from "./helpers.ts";

const N = 20_000;
const cgs: { remove(): void }[] = [];
afterAll(() => cgs.forEach((c) => c.remove()));

async function flood(ringBytes?: number) {
  const cg = makeCgroup("drops");
  cgs.push(cg);
  const trace = await startTrace(cg.path, ringBytes ? ["-ring-bytes", String(ringBytes)] : []);
  const run = runIn(cg.path, [workload(), "flood", join(tempDir("fangs-drops-"), "flood-target"), String(N)]);
  const { events, summary } = await trace.stop();
  expect(run.code).toBe(0);
  return { events, summary, pid: run.pid };
}

test("tiny ring: received + dropped == generated, and drops are reported", async () => {
  const base = await flood();
  expect(base.summary.dropped).toBe(0);
  const generated = base.summary.events;
  expect(base.events.filter((e) => e.kind === "file" && e.pid === base.pid).length).toBe(N);
  expect(generated).toBe(base.summary.kernel_events);

  const tiny = await flood(8192); // two pages: a handful of records fit
  expect(tiny.summary.dropped).toBeGreaterThan(0);
  expect(tiny.summary.decode_errors).toBe(0);
  expect(tiny.summary.kernel_events).toBe(tiny.summary.events); // every submitted record reached TS
  expect(tiny.summary.events + tiny.summary.dropped).toBe(generated);
}, 60_000);
