// Exactly-once ingest: a batch is stored once whatever the runner re-sends.
// A re-sent batch (same batch_seq) is acknowledged as a duplicate; a batch
// under a new batch_seq whose events (by seq) are already stored stores
// nothing, says so, and counts nowhere (run events_count, ingest metric).
import { expect, test } from "bun:test";
import { useTestApp } from "./testing.ts";

const t = useTestApp("ingest-runner");

const ev = (seq: number) => ({ seq, kind: "file", path: `/app/f${seq}`, flags: 0, access: "read", ts_ns: 1, pid: 300, ppid: 1, uid: 0, comm: "x", exe: "/usr/bin/x", cgroup_id: "1", ancestry: [], source: "t" });
const count = async (id: string) => Number((await t.db.selectFrom("runs").select("events_count").where("id", "=", id).executeTakeFirstOrThrow()).events_count);
const stored = async (id: string) => Number((await t.db.selectFrom("events").select((eb) => eb.fn.countAll().as("n")).where("run_id", "=", id).executeTakeFirstOrThrow()).n);
const ingested = async () => (await t.d.metrics.eventsIngested.get()).values[0]?.value ?? 0;

test("a re-sent batch and a batch of already-stored events are acknowledged as duplicates and counted nowhere", async () => {
  expect((await t.post("/v1/runners/register", { hostname: "ingest-runner" })).status).toBe(200);
  const id = (await t.post("/v1/scans", { package: "ingest-pkg", version: "1.0.0" })).json.run_id as string;
  expect((await t.post("/v1/runners/ingest-runner/claim?wait=0", {})).json.run.id).toBe(id);

  expect((await t.post(`/v1/runs/${id}/events`, { batch_seq: 0, events: [ev(0), ev(1), ev(2)] })).json).toEqual({ stored: 3, duplicate: false });
  const before = await ingested();
  // The same batch again (its first acknowledgement was lost).
  expect((await t.post(`/v1/runs/${id}/events`, { batch_seq: 0, events: [ev(0), ev(1), ev(2)] })).json).toEqual({ stored: 0, duplicate: true });
  // The same events under a new batch number (a runner that lost its numbering).
  expect((await t.post(`/v1/runs/${id}/events`, { batch_seq: 1, events: [ev(0), ev(1), ev(2)] })).json).toEqual({ stored: 0, duplicate: true });
  // Partly new: only the new event is stored and counted.
  expect((await t.post(`/v1/runs/${id}/events`, { batch_seq: 2, events: [ev(2), ev(3)] })).json).toEqual({ stored: 1, duplicate: false });
  expect(await count(id)).toBe(4);
  expect(await stored(id)).toBe(4);
  expect((await ingested()) - before).toBe(1);
  const fin = await t.post(`/v1/runs/${id}/finish`, { status: "finished", exit_code: 0, events_sent: 4, events_emitted: 4, events_dropped: 0 });
  expect(fin.json.verdict).toBe("seeded");
});
