// SIGTERM during ingest: the server stops accepting, lets in-flight batch
// transactions finish, exits 0 — and every batch it acknowledged is in the DB.
import { expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { api, fileEvent, ScriptedRunner, startServe } from "./lib.ts";

const PER_BATCH = 500;

test("no acknowledged batch is lost when SIGTERM arrives mid-ingest", async () => {
  const s = await startServe({ args: ["-ingest-rate-limit", "0"] });
  const r = new ScriptedRunner(s.url, "term-runner");
  await r.register();
  const runId = (await api(s.url, "POST", "/v1/scans", { package: "term-pkg", version: "1.0.0" })).json.run_id;
  expect((await r.claim(2)).json.run.id).toBe(runId);

  const acked: number[] = [];
  let next = 0;
  let stop = false;
  const stream = async () => {
    while (!stop) {
      const seq = next++;
      const events = Array.from({ length: PER_BATCH }, (_, i) => fileEvent(seq * PER_BATCH + i, `/app/node_modules/term-pkg/f${i}.js`));
      try {
        const res = await r.batch(runId, seq, events);
        if (res.status === 200 && res.json.stored === PER_BATCH) acked.push(seq);
        else stop = true;
      } catch {
        stop = true; // connection refused/reset: the server is going away
      }
    }
  };
  const streams = Array.from({ length: 4 }, stream);
  while (acked.length < 20) await Bun.sleep(5);
  s.proc.kill("SIGTERM");
  const code = await s.proc.exited;
  stop = true;
  await Promise.all(streams);
  expect(code).toBe(0);
  expect(s.log()).toContain("SIGTERM: shutting down");
  expect(s.log()).toContain("stopped");

  const db = new Database(s.db, { readonly: true });
  const batches = new Set((db.query("SELECT seq FROM event_batches WHERE run_id = ?").all(runId) as Array<{ seq: number }>).map((b) => b.seq));
  for (const seq of acked) expect(batches.has(seq)).toBe(true);
  const count = (db.query("SELECT count(*) AS n FROM events WHERE run_id = ?").get(runId) as { n: number }).n;
  expect(count).toBe(batches.size * PER_BATCH);
  const run = db.query("SELECT events_count FROM runs WHERE id = ?").get(runId) as { events_count: number };
  expect(run.events_count).toBe(count);
  db.close();
}, 30_000);
