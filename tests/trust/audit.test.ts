// The audit log against the compiled executable: each mutation kind (package
// add/remove, allow add/remove, baseline promote, run queue/claim/finish)
// leaves a row with actor, action, target, before/after and time, readable
// with `fangs audit` (table and --json, -target-kind, -limit) and GET
// /v1/audit. Notifiers: no notifier mutation exists yet (later issue), so
// none is exercised here.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { fangs } from "../lib/env.ts";
import { call, startServe, type Serve } from "./lib.ts";

const RT = "audit-runner-token";
const OP = "audit-operator-token";
const PKG = "fangs-audit-fixture";
let srv: Serve;
const cli = (args: string[]) => {
  const r = fangs([...args, "-db", srv.db], { cwd: srv.dir });
  if (r.code !== 0) throw new Error(`fangs ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
};
const fileEvent = (seq: number, path: string) => ({
  seq, ts_ns: 1000 + seq, pid: 40, ppid: 30, uid: 0, comm: "node", exe: "/usr/bin/node", cgroup_id: "7",
  ancestry: [{ pid: 30, comm: "sh", exe: "/bin/sh" }, { pid: 20, comm: "npm", exe: "/usr/bin/node" }], source: "test",
  kind: "file", path, flags: 0, access: "read",
});

/** Claim the next run as runner a-1, stream one batch, finish it. */
async function runOnce(expectRun: string, events: object[]) {
  const claim = await call(srv.url, "POST", "/v1/runners/a-1/claim?wait=5", undefined, { token: RT, runner: "a-1" });
  expect(claim.json?.run?.id).toBe(expectRun);
  expect((await call(srv.url, "POST", `/v1/runs/${expectRun}/events`, { batch_seq: 0, events }, { token: RT, runner: "a-1" })).status).toBe(200);
  const fin = await call(srv.url, "POST", `/v1/runs/${expectRun}/finish`, { status: "finished", exit_code: 0, events_sent: events.length, events_dropped: 0 }, { token: RT, runner: "a-1" });
  expect(fin.status).toBe(200);
  // the differ may run after the answer: wait until the run has a verdict
  for (let i = 0; i < 100; i++) {
    const r = await call(srv.url, "GET", `/v1/runs/${expectRun}`, undefined, { token: OP });
    if ((r.json.verdict ?? r.json.run?.verdict) != null) return;
    await Bun.sleep(50);
  }
  throw new Error(`run ${expectRun} never got a verdict`);
}

beforeAll(async () => {
  srv = await startServe(["-runner-token", RT, "-operator-token", OP]);
});
afterAll(async () => {
  await srv?.stop();
});

test("every mutation kind leaves an audit row", async () => {
  expect((await call(srv.url, "POST", "/v1/runners/register", { id: "a-1", hostname: "h" }, { token: RT })).status).toBe(200);

  const added = JSON.parse(cli(["package", "add", PKG, "-skip-registry-validate", "-version", "1.0.0", "--json"]));
  const kickoff = added.kickoff_run_id;
  expect(kickoff).toMatch(/^[0-9a-f]{16}$/);
  await runOnce(kickoff, [fileEvent(0, "/root/.npmrc")]); // first run seeds the baseline

  const allow = JSON.parse(cli(["allow", "add", "-kind", "path", "-value", "/opt/vendor/", "-note", "audit test", "--json"]));
  cli(["allow", "remove", allow.id]);

  const q = await call(srv.url, "POST", "/v1/scans", { package: PKG, version: "1.1.0", runner: "a-1" }, { token: OP });
  expect(q.status).toBe(201);
  await runOnce(q.json.run_id, [fileEvent(0, "/root/.npmrc"), fileEvent(1, "/root/.ssh/id_rsa")]); // new behaviour: a deviation
  cli(["baseline", "promote", q.json.run_id.slice(0, 8)]);
  cli(["package", "remove", PKG]);

  const rows = JSON.parse(cli(["audit", "--json", "-limit", "1000"])) as Array<{ at: string; actor: string; action: string; target_kind: string; target_id: string; before: unknown; after: unknown }>;
  const has = (action: string, kind: string, target: string, actor?: RegExp) => {
    const r = rows.find((x) => x.action === action && x.target_kind === kind && x.target_id === target);
    expect(r, `audit row ${action} ${kind}:${target}`).toBeDefined();
    expect(Number.isNaN(Date.parse(r!.at))).toBe(false);
    if (actor) expect(r!.actor).toMatch(actor);
    return r!;
  };
  expect(has("package.add", "package", PKG, /^cli:/).after).toBeTruthy();
  expect(has("package.remove", "package", PKG, /^cli:/).before).toBeTruthy();
  expect(has("allow.add", "allowlist", allow.id, /^cli:/).after).toMatchObject({ kind: "path", value: "/opt/vendor/" });
  expect(has("allow.remove", "allowlist", allow.id, /^cli:/).before).toMatchObject({ value: "/opt/vendor/" });
  has("run.queue", "run", kickoff, /^cli:/);
  has("run.queue", "run", q.json.run_id, /^api:/);
  has("run.claim", "run", q.json.run_id, /^runner:a-1$/);
  expect(has("run.finish", "run", q.json.run_id, /^runner:a-1$/).after).toMatchObject({ status: "finished" });
  has("baseline.promote", "baseline", q.json.run_id, /^cli:/);

  // newest first
  const times = rows.map((r) => Date.parse(r.at));
  expect([...times].sort((a, b) => b - a)).toEqual(times);
});

test("fangs audit filters: -target-kind, -target, -limit; table output escapes", () => {
  const runs = JSON.parse(cli(["audit", "--json", "-target-kind", "run"])) as Array<{ target_kind: string }>;
  expect(runs.length).toBeGreaterThanOrEqual(5);
  expect(new Set(runs.map((r) => r.target_kind))).toEqual(new Set(["run"]));
  expect(JSON.parse(cli(["audit", "--json", "-limit", "2"]))).toHaveLength(2);
  const pkg = JSON.parse(cli(["audit", "--json", "-target", PKG])) as Array<{ target_id: string }>;
  expect(pkg.length).toBeGreaterThanOrEqual(2);
  expect(pkg.every((r) => r.target_id === PKG)).toBe(true);
  const table = cli(["audit", "-target-kind", "package"]);
  expect(table).toContain("ACTION");
  expect(table).toContain("package.add");
  const bad = fangs(["audit", "-target-kind", "nope", "-db", srv.db], { cwd: srv.dir });
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain("Try: one of:");
  expect(fangs(["audit", "-limit", "0", "-db", srv.db], { cwd: srv.dir }).code).toBe(1);
});

test("GET /v1/audit: operator token required, same rows, filters validated", async () => {
  expect((await call(srv.url, "GET", "/v1/audit", undefined)).status).toBe(401);
  const r = await call(srv.url, "GET", "/v1/audit?target_kind=allowlist&limit=10", undefined, { token: OP });
  expect(r.status).toBe(200);
  expect(r.json.entries.map((e: { action: string }) => e.action).sort()).toEqual(["allow.add", "allow.remove"]);
  expect(typeof r.json.entries[0].at_ms).toBe("number");
  expect((await call(srv.url, "GET", "/v1/audit?target_kind=bogus", undefined, { token: OP })).status).toBe(400);
  expect((await call(srv.url, "GET", "/v1/audit?limit=0", undefined, { token: OP })).status).toBe(400);
});

test("attacker-controlled strings in audit rows do not break the table", async () => {
  // A package name cannot carry control characters (npm rules), but an
  // allowlist note can: it reaches `after` and the terminal.
  cli(["allow", "add", "-kind", "path", "-value", "/tmp/evil/", "-note", "x\u001b]0;pwned\u0007\u001b[2Jy"]);
  const table = cli(["audit", "-target-kind", "allowlist", "-limit", "1"]);
  expect(table).not.toContain("\u001b");
  expect(table).not.toContain("\u0007");
});
