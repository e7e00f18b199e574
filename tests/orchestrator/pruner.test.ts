// A runner that stops heartbeating is pruned (runner-stale-after, shortened
// here to 3 s with a 1 s pruner tick) and the run it held is failed with that
// reason — never left "running".
import { afterAll, beforeAll, expect, test } from "bun:test";
import { api, fileEvent, ScriptedRunner, startServe, until, type Serve } from "./lib.ts";

let s: Serve;
beforeAll(async () => {
  s = await startServe();
});
afterAll(async () => {
  expect(await s.stop()).toBe(0);
});

test("silent runner is pruned and its active run failed; a heartbeating one stays", async () => {
  const silent = new ScriptedRunner(s.url, "silent-runner");
  const alive = new ScriptedRunner(s.url, "alive-runner");
  await silent.register();
  await alive.register();
  const sub = await api(s.url, "POST", "/v1/scans", { package: "demo-pkg", version: "1.0.0", runner: "silent-runner" });
  const claim = await silent.claim(2);
  expect(claim.json.run.id).toBe(sub.json.run_id);
  await silent.batch(sub.json.run_id, 0, [fileEvent(0, "/app/package.json")]);

  const beat = setInterval(() => void alive.heartbeat(), 500);
  try {
    const run = await until("run failed by the pruner", async () => {
      const r = (await api(s.url, "GET", `/v1/runs/${sub.json.run_id}`)).json.run;
      return r.status === "failed" ? r : undefined;
    }, 10_000);
    expect(run.failure_reason).toContain("stopped heartbeating");
    expect(run.failure_reason).toContain("silent-runner");
    const ids = (await api(s.url, "GET", "/v1/runners")).json.runners.map((r: { id: string }) => r.id);
    expect(ids).toEqual(["alive-runner"]);
  } finally {
    clearInterval(beat);
  }
  // The pruned runner learns it must register again; its late finish is refused.
  expect((await silent.heartbeat()).status).toBe(404);
  expect((await silent.finish(sub.json.run_id)).status).toBe(409);
  expect((await api(s.url, "GET", "/metrics")).text).toMatch(/fangs_runners_pruned_total 1/);
  expect(s.log()).toContain("pruned runner silent-runner");
});

test("a runner that re-registers fails the run it held", async () => {
  const r = new ScriptedRunner(s.url, "restarting-runner");
  await r.register();
  const sub = await api(s.url, "POST", "/v1/scans", { package: "demo-pkg", version: "1.0.1", runner: "restarting-runner" });
  await r.claim(2);
  await r.register();
  const run = (await api(s.url, "GET", `/v1/runs/${sub.json.run_id}`)).json.run;
  expect(run.status).toBe("failed");
  expect(run.failure_reason).toContain("re-registered");
});
