// The runner never loses what it captured (issue 10): `fangs serve` killed -9
// mid-stream (twice, the second outage longer than the runner's old ~11 s
// retry budget), killed -9 while the runner reports the end of a run, and a
// runner killed -9 with the end of its run still in its spool. Every run
// ends with stored events == events the sensor emitted and the same verdict
// as a run of the same release without faults.
import { describe, expect, test } from "bun:test";
import { api, scan, waitFor } from "../e2e/lib.ts";
import { killRunner, killServe, restartRunner, restartServe, runnerSays, useStack } from "./lib.ts";

const PKG = "fangs-fixture-steady"; // reads the same files for 8 s, exits 0
const ctx = useStack();

/** Queue the slow fixture and wait until the runner has started it: the
 *  scenario's clock, the run id, and where in the runner's log it began. */
async function started(): Promise<{ t0: number; id: string; from: number }> {
  const t0 = Date.now();
  const q = await api(ctx.stack.url, "POST", "/v1/scans", { package: PKG, version: "1.0.0", runner: ctx.stack.runnerId, network: ctx.reg.network, registry_url: ctx.reg.url, duration: 60 });
  const id = q.run_id as string;
  const from = ctx.stack.runner.err().length;
  await runnerSays(ctx.stack, new RegExp(`run ${id}: started`), 60_000, from);
  return { t0, id, from };
}

async function terminal(runId: string, timeoutMs = 120_000): Promise<any> {
  return waitFor(`run ${runId} to end with a verdict`, async () => {
    const r = await fetch(`${ctx.stack.url}/v1/runs/${runId}`).catch(() => undefined);
    if (!r?.ok) return undefined;
    const { run } = (await r.json()) as { run: any };
    return run.status !== "queued" && run.status !== "running" && (run.verdict !== null || run.status === "failed") ? run : undefined;
  }, timeoutMs, () => ctx.stack.runner.err().slice(-4000) + "\n--- serve ---\n" + ctx.stack.serve.err().slice(-2000));
}

async function expectWhole(run: any, label: string, t0: number): Promise<void> {
  if (run.verdict !== "clean") console.log(`faults: ${label}: deviations ${JSON.stringify((await api(ctx.stack.url, "GET", `/v1/runs/${run.id}/deviations`)).deviations.map((d: any) => [d.category, d.actor, d.value]))}`);
  const lost = (run.evidence.events_emitted ?? 0) - run.events_count;
  console.log(`faults: ${label}: emitted ${run.evidence.events_emitted}, stored ${run.events_count}, lost ${lost}, verdict ${run.verdict}, ${((Date.now() - t0) / 1000).toFixed(1)}s from submit to ${run.status}`);
  expect(run.status).toBe("finished");
  expect(run.evidence.events_emitted).toBeGreaterThan(500);
  expect(run.events_count).toBe(run.evidence.events_emitted);
  expect(run.evidence).toMatchObject({ complete: true, issues: [], losses: { ringbuf: 0, read: 0, decode: 0, unrouted: 0, unacked: 0 } });
  // Unchanged by the faults: the same release without faults is clean against the seed.
  expect(run.verdict).toBe("clean");
  expect(run.deviation_count).toBe(0);
}

describe("faults between runner and orchestrator", () => {
  test("reference: the release seeds without faults, and a clean re-run is clean", async () => {
    const reference = await scan(ctx.stack, ctx.reg, PKG, "1.0.0", { duration: "60s" });
    expect(reference).toMatchObject({ status: "finished", exit_code: 0, verdict: "seeded" });
    const again = await scan(ctx.stack, ctx.reg, PKG, "1.0.0", { duration: "60s" });
    expect(again.verdict).toBe("clean");
  }, 120_000);

  test("serve killed -9 twice mid-stream, the second outage 15 s (old budget ~11 s): 0 events lost, verdict unchanged", async () => {
    const { t0, id, from } = await started();
    await Bun.sleep(1500);
    await killServe(ctx.stack);
    await Bun.sleep(1000);
    await restartServe(ctx.stack);
    await Bun.sleep(1500);
    await killServe(ctx.stack);
    const down = Date.now();
    await Bun.sleep(15_000);
    await restartServe(ctx.stack);
    const back = Date.now();
    const run = await terminal(id);
    console.log(`faults: outage ${((back - down) / 1000).toFixed(1)}s; terminal ${((Date.now() - back) / 1000).toFixed(1)}s after serve came back`);
    await expectWhole(run, "serve kill -9 x2 mid-stream", t0);
    // One batch waited out the whole outage, longer than the old budget, and got through.
    const waits = [...ctx.stack.runner.err().slice(from).matchAll(new RegExp(`run ${id}: batch \\d+ send delivered after (\\d+)s of retries`, "g"))].map((m) => Number(m[1]));
    expect(Math.max(0, ...waits)).toBeGreaterThanOrEqual(12);
  }, 180_000);

  test("serve killed -9 while the runner reports the end of the run: the report is re-sent, nothing lost", async () => {
    const { t0, id, from } = await started();
    // Freeze serve shortly before the install ends (the fixture runs 8 s), so
    // the end-of-run report (the last batches, then the finish) is certainly
    // pending when the kill lands: a log line alone is too late to act on.
    await Bun.sleep(6500);
    ctx.stack.serve.proc.kill("SIGSTOP");
    await runnerSays(ctx.stack, new RegExp(`run ${id}: finished exit_code=0 .*end of run spooled`), 60_000, from);
    const ended = ctx.stack.runner.err().length;
    await Bun.sleep(500);
    ctx.stack.serve.proc.kill("SIGKILL");
    const killedAt = Date.now();
    await ctx.stack.serve.proc.exited;
    await Bun.sleep(5000); // longer than the runner's old ~3 s finish budget
    await restartServe(ctx.stack);
    const run = await terminal(id);
    console.log(`faults: end-of-run report: terminal ${((Date.now() - killedAt) / 1000).toFixed(1)}s after the kill`);
    await expectWhole(run, "serve kill -9 during the end-of-run report", t0);
    // The runner logs the acknowledgement just after the orchestrator stored it.
    await runnerSays(ctx.stack, new RegExp(`run ${id}: finish acknowledged`), 10_000, from);
    // The kill hit the report: a delivery after the end of the run failed and was re-sent.
    expect(ctx.stack.runner.err().slice(ended)).toMatch(new RegExp(`run ${id}: (batch \\d+ send|finish) attempt 1 failed`));
  }, 180_000);

  test("runner killed -9 with its run's end in the spool, serve down too: the restarted runner delivers it", async () => {
    const { t0, id, from } = await started();
    await Bun.sleep(1000);
    await killServe(ctx.stack);
    await runnerSays(ctx.stack, new RegExp(`run ${id}: finished exit_code=0 .*end of run spooled`), 60_000, from);
    await killRunner(ctx.stack);
    await restartServe(ctx.stack);
    await restartRunner(ctx.stack);
    const run = await terminal(id);
    await expectWhole(run, "runner kill -9 with the end spooled", t0);
    expect(ctx.stack.runner.err()).toContain(`run ${id}: resuming from the spool`);
  }, 180_000);
});
