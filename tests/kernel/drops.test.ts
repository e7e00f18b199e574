// A flood that overflows a deliberately tiny ring buffer must report exactly
// the drops it caused: events received + dropped == events generated. The
// generated count comes from the same workload under the default ring, where
// nothing may drop (a static binary: no loader opens, so it is deterministic).
// The flood opens distinct (missing) names, which the kernel cannot fold into
// one record; identical opens are folded and counted (second test).
import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { tempDir } from "../lib/env.ts";
import { makeCgroup, runIn, startTrace, workload } from "./helpers.ts";

const N = 20_000;
const cgs: { remove(): void }[] = [];
afterAll(() => cgs.forEach((c) => c.remove()));

async function flood(ringBytes?: number, mode = "distinct") {
  const cg = makeCgroup("drops");
  cgs.push(cg);
  const trace = await startTrace(cg.path, ringBytes ? ["-ring-bytes", String(ringBytes)] : []);
  const target = join(tempDir("fangs-drops-"), "flood-target");
  writeFileSync(target, "x");
  const run = runIn(cg.path, [workload(), "flood", target, String(N), mode]);
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

test("identical opens by one process are one record and a count, not N records", async () => {
  const same = await flood(8192, "same"); // the tiny ring would overflow if each were sent
  const opens = same.events.filter((e) => e.kind === "file" && e.pid === same.pid && e.path.endsWith("/flood-target"));
  expect(opens.length).toBe(1);
  expect(same.summary.aggregated).toBe(N - 1);
  expect(same.summary.dropped).toBe(0);
}, 60_000);
