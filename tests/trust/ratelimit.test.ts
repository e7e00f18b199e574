// Per-runner ingest rate limit against the compiled orchestrator: beyond the
// burst a runner gets 429 + Retry-After, refused batches are not stored, and
// another runner is unaffected.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { call, startServe, type Serve } from "./lib.ts";

const RT = "rl-runner-token-0001";
const OP = "rl-operator-token";
let srv: Serve;
const runs: Record<string, string> = {};

beforeAll(async () => {
  srv = await startServe(["-runner-token", RT, "-operator-token", OP, "-ingest-rate-limit", "5"]);
  for (const id of ["rl-1", "rl-2"]) {
    expect((await call(srv.url, "POST", "/v1/runners/register", { id, hostname: "h" }, { token: RT })).status).toBe(200);
    const q = await call(srv.url, "POST", "/v1/scans", { package: "left-pad", version: "1.3.0", runner: id }, { token: OP });
    runs[id] = q.json.run_id;
    const c = await call(srv.url, "POST", `/v1/runners/${id}/claim?wait=5`, undefined, { token: RT, runner: id });
    expect(c.json?.run?.id).toBe(runs[id]);
  }
});
afterAll(async () => {
  await srv?.stop();
});

test("burst of 40 batches at -ingest-rate-limit 5: some 429 with Retry-After, only accepted ones stored", async () => {
  const results = await Promise.all(
    Array.from({ length: 40 }, (_, i) => call(srv.url, "POST", `/v1/runs/${runs["rl-1"]}/events`, { batch_seq: i, events: [] }, { token: RT, runner: "rl-1" })),
  );
  const ok = results.filter((r) => r.status === 200).length;
  const limited = results.filter((r) => r.status === 429);
  expect(ok + limited.length).toBe(40);
  expect(ok).toBeGreaterThanOrEqual(10); // the burst (2 x 5), plus 5/s while the 40 are in flight
  expect(limited.length).toBeGreaterThan(0);
  for (const r of limited) expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  const db = new Database(srv.db, { readonly: true });
  const stored = (db.query("SELECT count(*) AS n FROM event_batches WHERE run_id = ?").get(runs["rl-1"]) as { n: number }).n;
  db.close();
  expect(stored).toBe(ok);
  // another runner is not limited by rl-1's flood
  expect((await call(srv.url, "POST", `/v1/runs/${runs["rl-2"]}/events`, { batch_seq: 0, events: [] }, { token: RT, runner: "rl-2" })).status).toBe(200);
  // and rl-1 gets in again after waiting
  await Bun.sleep(1100);
  expect((await call(srv.url, "POST", `/v1/runs/${runs["rl-1"]}/events`, { batch_seq: 100, events: [] }, { token: RT, runner: "rl-1" })).status).toBe(200);
});
