// Finish → differ → hooks, in-process: a run whose verdict is "deviations"
// reaches every onDeviations hook once; a failing hook does not fail the run.
import { expect, test } from "bun:test";
import { useTestApp } from "./testing.ts";
import type { Run } from "../store/schema.ts";

const t = useTestApp("hook-runner");

const base = { ts_ns: 1, pid: 300, ppid: 1, uid: 0, comm: "x", exe: "/usr/bin/x", cgroup_id: "1", ancestry: [], source: "t" };

async function scan(version: string, events: unknown[]) {
  const id = (await t.post("/v1/scans", { package: "hooked", version })).json.run_id as string;
  expect((await t.post("/v1/runners/hook-runner/claim?wait=0", {})).json.run.id).toBe(id);
  await t.post(`/v1/runs/${id}/events`, { batch_seq: 0, events });
  return (await t.post(`/v1/runs/${id}/finish`, { status: "finished", exit_code: 0, events_sent: events.length, events_dropped: 0 })).json;
}

test("onDeviations hooks get each run with deviations; a throwing hook is contained", async () => {
  const seen: Run[] = [];
  t.d.hooks.onDeviations.push(() => {
    throw new Error("webhook down");
  });
  t.d.hooks.onDeviations.push((run) => void seen.push(run));
  expect((await t.post("/v1/runners/register", { hostname: "hook-runner" })).status).toBe(200);
  expect((await scan("1.0.0", [{ ...base, seq: 0, kind: "file", path: "/app/package.json", flags: 0, access: "read" }])).verdict).toBe("seeded");
  const second = await scan("1.0.1", [
    { ...base, seq: 0, kind: "file", path: "/app/package.json", flags: 0, access: "read" },
    { ...base, seq: 1, kind: "connect", family: "inet", address: "192.0.2.10", port: 4444, proto: "tcp" },
  ]);
  expect(second.verdict).toBe("deviations");
  await Promise.all([...t.d.background]);
  expect(seen.map((r) => [r.version, r.verdict])).toEqual([["1.0.1", "deviations"]]);
  expect(seen[0].deviation_count).toBeGreaterThan(0);
});

test("incomplete evidence never seeds: a failed first install is incomplete with npm's error, the next good run seeds", async () => {
  expect((await t.post("/v1/runners/register", { hostname: "hook-runner" })).status).toBe(200);
  const ev = { ...base, seq: 0, kind: "file", path: "/app/package.json", flags: 0, access: "read" };
  const run = async (version: string, finish: Record<string, unknown>) => {
    const id = (await t.post("/v1/scans", { package: "fresh-pkg", version })).json.run_id as string;
    expect((await t.post("/v1/runners/hook-runner/claim?wait=0", {})).json.run.id).toBe(id);
    await t.post(`/v1/runs/${id}/events`, { batch_seq: 0, events: [ev] });
    const r = await t.post(`/v1/runs/${id}/finish`, { status: "finished", exit_code: 0, events_sent: 1, events_dropped: 0, events_emitted: 1, ...finish });
    return { id, ...r.json };
  };
  const bad = await run("1.0.0", { exit_code: 1, failure_reason: "npm install exited 1: npm error 404 <script>" });
  expect(bad.verdict).toBe("incomplete");
  const dropped = await run("1.0.1", { losses: { ringbuf: 7, read: 0, decode: 0, unrouted: 0, unacked: 0 }, events_dropped: 7 });
  expect(dropped.verdict).toBe("incomplete");
  const lost = await run("1.0.2", { events_emitted: 5 }); // 1 stored of 5 the sensor emitted
  expect(lost.verdict).toBe("incomplete");
  const shown = (await (await t.app.request(`/v1/runs/${bad.id}`)).json()) as any;
  expect(shown.run).toMatchObject({ verdict: "incomplete", is_baseline: false, failure_reason: "npm install exited 1: npm error 404 <script>", evidence: { complete: false, issues: ["npm install exited 1"] } });
  const page = await (await t.app.request(`/ui/runs/${bad.id}`)).text();
  expect(page).toContain("npm error 404 &lt;script&gt;");
  expect(page).not.toContain("<script>");
  expect((await t.db.selectFrom("baseline_fingerprints").selectAll().where("package", "=", "fresh-pkg").execute()).length).toBe(0);
  const good = await run("1.0.3", {});
  expect(good.verdict).toBe("seeded");
  // An incomplete run after the seed is compared (deviations shown) but extends nothing.
  const after = await run("1.0.4", { losses: { ringbuf: 0, read: 0, decode: 0, unrouted: 2, unacked: 0 } });
  expect(after.verdict).toBe("incomplete");
  const runs = await t.db.selectFrom("runs").select(["version", "is_baseline"]).where("package", "=", "fresh-pkg").orderBy("version").execute();
  expect(runs.map((r) => [r.version, r.is_baseline])).toEqual([["1.0.0", 0], ["1.0.1", 0], ["1.0.2", 0], ["1.0.3", 1], ["1.0.4", 0]]);

  // Every incomplete run waits in pending with its reasons and the re-scan command …
  const pendingOf = async () => ((await (await t.app.request("/v1/pending?package=fresh-pkg")).json()) as any).pending as any[];
  const before = await pendingOf();
  expect(before.map((r) => [r.version, r.incomplete]).sort()).toEqual([["1.0.0", true], ["1.0.1", true], ["1.0.2", true], ["1.0.4", true]]);
  expect(before.find((r) => r.version === "1.0.1")).toMatchObject({ issues: ["7 events dropped in the kernel ring buffer"], rescan_command: "fangs scan submit -package fresh-pkg -version 1.0.1", max_severity: "medium" });
  const ui = await (await t.app.request("/ui/pending?package=fresh-pkg")).text();
  expect(ui).toContain("fangs scan submit -package fresh-pkg -version 1.0.2");
  expect(ui).toContain("4 of 5 events the sensor emitted were not stored");
  // … until a later scan of the same release has complete evidence.
  expect((await run("1.0.1", {})).verdict).toBe("clean");
  expect((await pendingOf()).map((r) => r.version).sort()).toEqual(["1.0.0", "1.0.2", "1.0.4"]);
  const metrics = await (await t.app.request("/metrics")).text();
  expect(metrics).toContain('fangs_evidence_lost_events{kind="ringbuf"} 7');
  expect(metrics).toContain('fangs_evidence_lost_events{kind="unrouted"} 2');
  expect(metrics).toMatch(/fangs_runs_by_verdict\{verdict="incomplete"\} 4/);
});
