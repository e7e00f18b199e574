// Retention: raw events older than -retention-days go, pinned deviation
// evidence stays, baselines stay. Events are aged by rewriting received_at
// in the test's copy of the DB between two server lifetimes.
import { expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { api, connectEvent, fileEvent, ScriptedRunner, startServe, until } from "./lib.ts";
import { tempDir } from "../lib/env.ts";

test("old raw events are pruned, pinned evidence and baselines are kept", async () => {
  const dir = tempDir("fangs-retention-");
  let s = await startServe({ dir });
  const r = new ScriptedRunner(s.url, "ret-runner");
  await r.register();
  const seedRun = (await api(s.url, "POST", "/v1/scans", { package: "ret-pkg", version: "1.0.0" })).json.run_id;
  await r.claim(2);
  await r.batch(seedRun, 0, [fileEvent(0, "/app/package.json"), fileEvent(1, "/app/node_modules/ret-pkg/index.js")]);
  expect((await r.finish(seedRun, { events_sent: 2 })).json.verdict).toBe("seeded");
  const devRun = (await api(s.url, "POST", "/v1/scans", { package: "ret-pkg", version: "1.0.1" })).json.run_id;
  await r.claim(2);
  await r.batch(devRun, 0, [fileEvent(0, "/app/package.json"), connectEvent(1, "198.51.100.9", 8080)]);
  expect((await r.finish(devRun, { events_sent: 2 })).json.verdict).toBe("deviations");
  const dev = (await api(s.url, "GET", `/v1/runs/${devRun}/deviations`)).json.deviations.find((d: { category: string }) => d.category === "net_new_destination");
  expect(await s.stop()).toBe(0);

  // Age every event by 100 days; one fresh event must survive too.
  const raw = new Database(s.db);
  raw.run("UPDATE events SET received_at = received_at - ?", [100 * 86_400_000]);
  raw.run("UPDATE events SET received_at = ? WHERE run_id = ? AND seq = 0", [Date.now(), devRun]);
  const baselineBefore = raw.query("SELECT count(*) AS n FROM baseline_fingerprints").get() as { n: number };
  const expired = (raw.query("SELECT count(*) AS n FROM events WHERE pinned = 0 AND received_at < ?").get(Date.now() - 30 * 86_400_000) as { n: number }).n;
  const pinnedSeed = (raw.query("SELECT seq FROM events WHERE pinned = 1 AND run_id = ? ORDER BY seq").all(seedRun) as Array<{ seq: number }>).map((r) => r.seq);
  raw.close();
  expect(expired).toBeGreaterThanOrEqual(2);
  expect(baselineBefore.n).toBeGreaterThan(0);

  s = await startServe({ dir, args: ["-retention-days", "30", "-retention-first-prune", "1s"] });
  try {
    await until("retention ran", async () => s.log().includes("retention: pruned"), 10_000);
    expect(s.log()).toContain(`retention: pruned ${expired} raw events`);
    expect((await api(s.url, "GET", `/v1/runs/${seedRun}/events`)).json.events.map((e: { seq: number }) => e.seq)).toEqual(pinnedSeed);
    const left = (await api(s.url, "GET", `/v1/runs/${devRun}/events`)).json.events.map((e: { seq: number }) => e.seq);
    expect(left).toEqual([0, 1]); // fresh one + pinned evidence
    const ev = await api(s.url, "GET", `/v1/deviations/${dev.id}`);
    expect(ev.json.evidence).toMatchObject({ seq: 1, pinned: true });
    expect((await api(s.url, "GET", "/v1/baselines/ret-pkg")).json.fingerprints.length).toBe(baselineBefore.n);
    expect((await api(s.url, "GET", "/metrics")).text).toContain(`fangs_retention_events_pruned_total ${expired}`);
  } finally {
    expect(await s.stop()).toBe(0);
  }
}, 30_000);

test("-retention-days=0 disables pruning", async () => {
  const s = await startServe({ args: ["-retention-days=0", "-retention-first-prune", "0s"] });
  try {
    await Bun.sleep(300);
    expect(s.log()).toContain("retention disabled");
    expect(s.log()).not.toContain("retention: pruned");
  } finally {
    expect(await s.stop()).toBe(0);
  }
});
