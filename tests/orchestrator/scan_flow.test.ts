// The queue end to end against the real `fangs serve`: submit with no runner
// (queued + "No runners registered"), claim, idempotent batches, ownership,
// finish → differ verdict → deviations → pending, targeted dispatch, exit codes.
// The same scenario runs on SQLite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { api, connectEvent, dropPostgres, fileEvent, freshPostgresUrl, ScriptedRunner, startServe, until, type Serve } from "./lib.ts";

for (const backend of ["sqlite", "postgres"] as const) {
  describe(`scan flow [${backend}]`, () => {
    let s: Serve;
    let pgDb: string | undefined;
    beforeAll(async () => {
      pgDb = backend === "postgres" ? await freshPostgresUrl() : undefined;
      s = await startServe({ args: ["-ingest-rate-limit", "0"], db: pgDb });
    });
    afterAll(async () => {
      expect(await s.stop()).toBe(0);
      if (pgDb) await dropPostgres(pgDb);
    });

    async function runOf(id: string) {
      return (await api(s.url, "GET", `/v1/runs/${id}`)).json.run;
    }

    test("a scan submitted with no runner is queued and says so", async () => {
      const r = await api(s.url, "POST", "/v1/scans", { package: "demo-pkg", version: "1.0.0" });
      expect(r.status).toBe(201);
      expect(r.json.warning).toContain("No runners registered");
      expect(r.json.queued).toBe(true);
      expect(r.json.urls).toEqual({ api: `/v1/runs/${r.json.run_id}`, ui: `/ui/runs/${r.json.run_id}` });
      expect((await runOf(r.json.run_id)).status).toBe("queued");
    });

    test("claim, retried batch stored once, only the owner streams, finish seeds the baseline", async () => {
      const r1 = new ScriptedRunner(s.url, "runner-one");
      const r2 = new ScriptedRunner(s.url, "runner-two");
      expect((await r1.register()).status).toBe(200);
      expect((await r2.register()).status).toBe(200);
      const claim = await r1.claim(2);
      expect(claim.status).toBe(200);
      const run = claim.json.run;
      expect(run.package).toBe("demo-pkg");
      expect(run.spec.memory_mb).toBe(512);
      expect((await runOf(run.id)).status).toBe("running");

      const events = [fileEvent(0, "/app/node_modules/demo-pkg/index.js"), fileEvent(1, "/app/package.json"), fileEvent(2, "/app/node_modules/demo-pkg/package.json")];
      expect((await r1.batch(run.id, 0, events)).json).toEqual({ stored: 3, duplicate: false });
      expect((await r1.batch(run.id, 0, events)).json).toEqual({ stored: 0, duplicate: true });
      const stolen = await r2.batch(run.id, 1, [fileEvent(3, "/x")]);
      expect(stolen.status).toBe(403);
      expect((await r2.finish(run.id)).status).toBe(403);

      const stored = await api(s.url, "GET", `/v1/runs/${run.id}/events?limit=100`);
      expect(stored.json.events.map((e: { seq: number }) => e.seq)).toEqual([0, 1, 2]);
      expect((await runOf(run.id)).events_count).toBe(3);

      const fin = await r1.finish(run.id, { events_sent: 3 });
      expect(fin.status).toBe(200);
      expect(fin.json.verdict).toBe("seeded");
      const after = await runOf(run.id);
      expect(after).toMatchObject({ status: "finished", verdict: "seeded", exit_code: 0 });
      // A retried finish gets the same answer, a late batch is refused.
      expect((await r1.finish(run.id, { events_sent: 3 })).json.verdict).toBe("seeded");
      expect((await r1.batch(run.id, 5, [fileEvent(9, "/late")])).status).toBe(409);
    });

    test("new behaviour in the next release becomes deviations in pending, with evidence", async () => {
      const r1 = new ScriptedRunner(s.url, "runner-one");
      const sub = await api(s.url, "POST", "/v1/scans", { package: "demo-pkg", version: "1.0.1" });
      expect(sub.json.warning).toBeNull();
      const claim = await r1.claim(2);
      expect(claim.json.run.id).toBe(sub.json.run_id);
      const id = sub.json.run_id;
      await r1.batch(id, 0, [fileEvent(0, "/app/node_modules/demo-pkg/index.js"), fileEvent(1, "/app/package.json"), connectEvent(2, "203.0.113.7", 443)]);
      const fin = await r1.finish(id, { events_sent: 3 });
      expect(fin.json.verdict).toBe("deviations");
      expect(fin.json.deviations).toBeGreaterThan(0);

      const pending = await api(s.url, "GET", "/v1/pending");
      const row = pending.json.pending.find((p: { run_id: string }) => p.run_id === id);
      expect(row).toMatchObject({ package: "demo-pkg", version: "1.0.1" });
      expect(row.promote_command).toContain("fangs baseline promote");
      expect((await api(s.url, "GET", "/v1/pending?min_severity=critical")).json.pending.some((p: { run_id: string }) => p.run_id === id)).toBe(false);

      const devs = (await api(s.url, "GET", `/v1/runs/${id}/deviations`)).json.deviations;
      const net = devs.find((d: { category: string }) => d.category === "net_new_destination");
      expect(net.value).toContain("203.0.113.7");
      const one = await api(s.url, "GET", `/v1/deviations/${net.id}`);
      expect(one.json.evidence.seq).toBe(2);
      expect(one.json.evidence.pinned).toBe(true);
      expect(one.json.evidence.event.address).toBe("203.0.113.7");
    });

    test("a scan targeted at a runner goes only there", async () => {
      const r1 = new ScriptedRunner(s.url, "runner-one");
      const r2 = new ScriptedRunner(s.url, "runner-two");
      const sub = await api(s.url, "POST", "/v1/scans", { package: "demo-pkg", version: "1.0.2", runner: "runner-two" });
      expect(sub.json.warning).toBeNull();
      expect((await r1.claim(1)).status).toBe(204);
      const c2 = await r2.claim(1);
      expect(c2.json.run.id).toBe(sub.json.run_id);
      // Exit 137 is recorded as the sandbox OOM kill.
      await r2.finish(sub.json.run_id, { exit_code: 137, events_dropped: 7 }); // the ring overflowed too: counted for life
      const run = await runOf(sub.json.run_id);
      expect(run.failure_reason).toContain("OOM-killed by the sandbox memory limit");
      expect(run.exit_code).toBe(137);
    });

    test("exit 125 fails the run as Docker could not start it; timed_out stays distinct", async () => {
      const r1 = new ScriptedRunner(s.url, "runner-one");
      const a = await api(s.url, "POST", "/v1/scans", { package: "other-pkg", version: "2.0.0" });
      await r1.claim(2);
      await r1.finish(a.json.run_id, { exit_code: 125 });
      expect(await runOf(a.json.run_id)).toMatchObject({ status: "failed", failure_reason: "Docker could not start the container" });
      const b = await api(s.url, "POST", "/v1/scans", { package: "other-pkg", version: "2.0.1" });
      await r1.claim(2);
      await r1.batch(b.json.run_id, 0, [fileEvent(0, "/app/package.json")]);
      await r1.finish(b.json.run_id, { status: "timed_out", exit_code: null, events_sent: 1 });
      expect((await runOf(b.json.run_id)).status).toBe("timed_out");
    });

    test("a claim long-poll is answered as soon as a scan is queued", async () => {
      const r1 = new ScriptedRunner(s.url, "runner-one");
      const t = performance.now();
      const pending = r1.claim(2);
      await Bun.sleep(200);
      const sub = await api(s.url, "POST", "/v1/scans", { package: "poll-pkg", version: "1.0.0", runner: "runner-one" });
      const c = await pending;
      expect(c.json.run.id).toBe(sub.json.run_id);
      expect(performance.now() - t).toBeLessThan(1500);
      await r1.finish(sub.json.run_id, { exit_code: 1 });
    });

    test("a claim whose runner hung up does not take the next scan", async () => {
      const ac = new AbortController();
      const gone = fetch(`${s.url}/v1/runners/runner-one/claim?wait=2`, { method: "POST", headers: { "X-Fangs-Runner": "runner-one" }, signal: ac.signal }).catch(() => "aborted");
      await Bun.sleep(200);
      ac.abort();
      expect(await gone).toBe("aborted");
      await Bun.sleep(100);
      const sub = await api(s.url, "POST", "/v1/scans", { package: "poll-pkg", version: "1.0.1", runner: "runner-one" });
      await Bun.sleep(1200); // past the abandoned poll's next re-check
      expect((await runOf(sub.json.run_id)).status).toBe("queued");
      const r1 = new ScriptedRunner(s.url, "runner-one");
      expect((await r1.claim(1)).json.run.id).toBe(sub.json.run_id);
      await r1.finish(sub.json.run_id, { exit_code: 1 });
    });

    test("runners, overview and metrics reflect the work", async () => {
      const runners = (await api(s.url, "GET", "/v1/runners")).json.runners;
      expect(runners.map((r: { id: string }) => r.id).sort()).toEqual(["runner-one", "runner-two"]);
      expect(runners.every((r: { alive: boolean }) => r.alive)).toBe(true);
      const o = (await api(s.url, "GET", "/v1/overview")).json;
      expect(o.runs_total).toBeGreaterThanOrEqual(7);
      expect(o.deviations_open).toBeGreaterThan(0);
      expect(o.packages_affected).toBe(1);
      const m = (await api(s.url, "GET", "/metrics")).text;
      expect(m).toMatch(/fangs_events_ingested_total 7/);
      expect(m).toMatch(/fangs_event_batches_duplicate_total 1/);
      expect(m).toMatch(/fangs_runners_alive 2/);
      expect(m).toContain('fangs_runs_completed_total{status="finished",verdict="deviations"} 1');
      expect(m).toContain('fangs_runs_completed_total{status="failed",verdict="none"} 1');
      expect(m).toMatch(/fangs_deviations_open [1-9]/);
      expect(m).toContain('fangs_http_request_duration_seconds_count{method="POST",route="/v1/runs/:run/events",status="200"}');
      // Gauges read from the DB agree with the runs the API lists.
      const all: Array<{ status: string; events_dropped: number }> = (await api(s.url, "GET", "/v1/runs?limit=1000")).json.runs;
      const byStatus = new Map<string, number>();
      for (const r of all) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
      expect(byStatus.size).toBeGreaterThan(1);
      for (const [status, n] of byStatus) expect(m).toContain(`fangs_runs{status="${status}"} ${n}`);
      expect(m).toContain(`fangs_scans_queued ${byStatus.get("queued") ?? 0}`);
      const dropped = all.reduce((a, r) => a + r.events_dropped, 0);
      expect(dropped).toBeGreaterThanOrEqual(7);
      expect(m).toContain(`fangs_events_dropped_lifetime ${dropped}`);
      const del = await new ScriptedRunner(s.url, "runner-two").deregister();
      expect(del.status).toBe(200);
      await until("runner-two gone", async () => (await api(s.url, "GET", "/v1/runners")).json.runners.length === 1);
    });
  });
}
