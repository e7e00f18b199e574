// Queue transitions on a real (in-memory) SQLite store: claim order and
// targeting, idempotent batches, finish guards, pruning (several held runs,
// orphans), exit-code reasons.
import { beforeEach, describe, expect, test } from "bun:test";
import { openMigrated, type Store } from "./index.ts";
import { enqueueScan } from "./runs.ts";
import { claimNext, failOverdueRuns, finishRun, pruneStaleRunners, registerRunner, storeBatch } from "./queue.ts";
import type { FangsEvent } from "../events/types.ts";

let db: Store;
beforeEach(async () => {
  db = await openMigrated(":memory:");
});

const ev = (seq: number): FangsEvent => ({ seq, ts_ns: seq, pid: 1, ppid: 0, uid: 0, comm: "node", exe: "/usr/bin/node", cgroup_id: "1", ancestry: [], source: "t", kind: "file", path: `/f${seq}`, flags: 0, access: "read" });
// created_at is in ms; the sleep keeps submission order unambiguous.
const queue = async (version: string, runner: string | null = null) => {
  await Bun.sleep(2);
  return enqueueScan(db, { package: "p", version, source: "manual", runner, actor: "test" });
};
const status = async (id: string) => (await db.selectFrom("runs").select(["status", "failure_reason"]).where("id", "=", id).executeTakeFirstOrThrow());
const FIN = { status: "finished" as const, exit_code: 0, events_sent: 0, events_dropped: 0, batch_send_errors: 0, timings: {} };

describe("claim", () => {
  test("oldest first; targeted scans only for their runner; unregistered runners get nothing", async () => {
    await registerRunner(db, { id: "a", hostname: "a" });
    await registerRunner(db, { id: "b", hostname: "b" });
    const forB = await queue("1.0.0", "b");
    const any1 = await queue("1.0.1");
    const any2 = await queue("1.0.2");
    expect((await claimNext(db, "a"))?.id).toBe(any1.id);
    expect((await claimNext(db, "b"))?.id).toBe(forB.id);
    expect((await claimNext(db, "ghost"))).toBeUndefined();
    expect((await claimNext(db, "a"))?.id).toBe(any2.id);
    expect(await claimNext(db, "a")).toBeUndefined();
  });
});

describe("batches", () => {
  test("a retried batch is stored once; events_count counts stored events", async () => {
    await registerRunner(db, { id: "a", hostname: "a" });
    const run = await queue("1.0.0");
    await claimNext(db, "a");
    expect(await storeBatch(db, run.id, 0, [ev(0), ev(1)])).toEqual({ stored: 2, duplicate: false });
    expect(await storeBatch(db, run.id, 0, [ev(0), ev(1)])).toEqual({ stored: 0, duplicate: true });
    expect(await storeBatch(db, run.id, 1, [ev(2)])).toEqual({ stored: 1, duplicate: false });
    const r = await db.selectFrom("runs").select("events_count").where("id", "=", run.id).executeTakeFirstOrThrow();
    expect(Number(r.events_count)).toBe(3);
  });
});

describe("finish", () => {
  test("only the claiming runner, only once", async () => {
    await registerRunner(db, { id: "a", hostname: "a" });
    await registerRunner(db, { id: "b", hostname: "b" });
    const run = await queue("1.0.0");
    await claimNext(db, "a");
    expect(await finishRun(db, run.id, "b", FIN)).toBeUndefined();
    expect((await finishRun(db, run.id, "a", FIN))?.status).toBe("finished");
    expect(await finishRun(db, run.id, "a", FIN)).toBeUndefined();
  });
});

describe("prune", () => {
  test("every run a stale runner holds is failed; fresh runners stay", async () => {
    await registerRunner(db, { id: "old", hostname: "old" }, 1000);
    await registerRunner(db, { id: "new", hostname: "new" }, 100_000);
    const r1 = await queue("1.0.0", "old");
    const r2 = await queue("1.0.1", "old");
    await claimNext(db, "old", 1000);
    await claimNext(db, "old", 1000);
    const out = await pruneStaleRunners(db, 50_000, 100_000);
    expect(out).toHaveLength(1);
    expect(out[0].failedRuns.sort()).toEqual([r1.id, r2.id].sort());
    for (const id of [r1.id, r2.id]) expect((await status(id)).failure_reason).toContain("stopped heartbeating");
    expect((await db.selectFrom("runners").select("id").execute()).map((r) => r.id)).toEqual(["new"]);
  });

  test("a running run whose runner is gone is failed, not left running", async () => {
    const run = await queue("1.0.0");
    await db.updateTable("runs").set({ status: "running", runner_id: "vanished" }).where("id", "=", run.id).execute();
    await pruneStaleRunners(db, 0);
    expect(await status(run.id)).toEqual({ status: "failed", failure_reason: "runner vanished is gone (pruned or deregistered) while the run was active" });
  });

  test("re-registering fails what the runner held", async () => {
    await registerRunner(db, { id: "a", hostname: "a" });
    const run = await queue("1.0.0");
    await claimNext(db, "a");
    expect((await registerRunner(db, { id: "a", hostname: "a" })).failedRuns).toEqual([run.id]);
    expect((await status(run.id)).status).toBe("failed");
  });
});

describe("overdue runs", () => {
  test("a run with no finish past duration + grace is failed; one within it is not", async () => {
    await registerRunner(db, { id: "a", hostname: "a" });
    const late = await enqueueScan(db, { package: "p", version: "1.0.0", source: "manual", spec: { duration_s: 60 }, actor: "t" });
    await Bun.sleep(2);
    const onTime = await enqueueScan(db, { package: "p", version: "1.0.1", source: "manual", spec: { duration_s: 600 }, actor: "t" });
    await claimNext(db, "a", 0);
    await claimNext(db, "a", 0);
    const now = 60_000 + 300_000 + 1;
    expect(await failOverdueRuns(db, 300_000, now)).toEqual([late.id]);
    expect((await status(late.id)).failure_reason).toContain("did not report the end of the run within its 60s duration plus 300s");
    expect((await status(onTime.id)).status).toBe("running");
  });
});
