// The operator's JSON endpoints (routes/operator.ts + POST /v1/scans) as a
// scenario table, in-process over a real SQLite store: each endpoint's happy
// path (and the audit record it leaves, actor api:operator), a bad body (400,
// one safe line, the input never echoed) and a call without the operator
// token (401, nothing written).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { openTestApp, type TestApp } from "../testing.ts";
import { enqueueScan } from "../../store/runs.ts";
import { insertEvents } from "../../store/events.ts";
import { listAudit } from "../../store/audit.ts";
import { diffRun } from "../../triage/diff.ts";
import { markFinished } from "../../../tests/lib/runs.ts";
import { loadFixture } from "../../../tests/fixtures/events/load.ts";

const TOKEN = "operator-token-for-tests";
const EVIL = "<script>alert(1)</script>";
let t: TestApp;
let badRun = "";
let allowId = "";

beforeAll(async () => {
  t = await openTestApp("r1", { "operator-token": TOKEN });
  for (const [fixture, version] of [["clean-1.0.0-a", "1.0.0"], ["malicious-1.0.1", "1.0.1"]] as const) {
    const r = await enqueueScan(t.db, { package: "demo-pkg", version, source: "manual", actor: "test" });
    await insertEvents(t.db, r.id, loadFixture(fixture));
    await markFinished(t.db, r.id);
    await diffRun(t.db, r.id);
    badRun = r.id;
  }
});
afterAll(async () => t.db.destroy());

/** The audit chain's head: how many records there are. */
const headSeq = async () => Math.max(0, ...(await listAudit(t.db, { limit: 1000 })).map((r) => r.seq ?? 0));

function req(method: string, path: string, body?: unknown, token: string | null = TOKEN) {
  return t.app.request(path, {
    method,
    headers: { ...(body !== undefined && { "content-type": "application/json" }), ...(token && { authorization: `Bearer ${token}` }) },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
}

const IMPORT = { source: "/srv/app/package-lock.json", format: "npm", lockfile_version: "3", packages: [{ name: "imp-a", versions: ["1.0.0", "2.0.0"], install_script: null }], skipped: [{ package: "git-dep", reason: "not from a registry" }], skip_registry_validate: true };

interface Case { name: string; method: string; path: () => string; body?: unknown; status: number; has?: string[]; audit?: string; after?: (json: any) => void }

const happy: Case[] = [
  // The kickoff scan's run.queue record is written in the same transaction.
  { name: "watch a package", method: "POST", path: () => "/v1/packages", body: { name: "left-pad", version: "1.3.0", skip_registry_validate: true, settings: { network: "none" } }, status: 201, audit: "package.add", has: ['"kickoff_version":"1.3.0"', '"network":"none"'] },
  { name: "change its settings", method: "PATCH", path: () => "/v1/packages/left-pad", body: { settings: { memory_mb: 1024 } }, status: 200, audit: "package.settings", has: ['"memory_mb":1024', '"network":"none"'] },
  { name: "reset them", method: "PATCH", path: () => "/v1/packages/left-pad", body: { reset: true }, status: 200, audit: "package.settings", has: ['"settings":{}'] },
  { name: "stop watching it", method: "DELETE", path: () => "/v1/packages/left-pad", status: 200, audit: "package.remove", has: ['"watched":false'] },
  { name: "watch a scoped package", method: "POST", path: () => "/v1/packages", body: { name: "@scope/pkg", skip_registry_validate: true, skip_initial_scan: true }, status: 201, audit: "package.add", has: ['"kickoff_run_id":null'] },
  { name: "unwatch the scoped package", method: "DELETE", path: () => `/v1/packages/${encodeURIComponent("@scope/pkg")}`, status: 200, audit: "package.remove", has: ['"package":"@scope/pkg"'] },
  { name: "allowlist a host", method: "POST", path: () => "/v1/allowlist", body: { kind: "sni", value: "Telemetry.Example", note: "vendor" }, status: 201, audit: "allow.add", has: ['"value":"telemetry.example"', '"source":"api"'], after: (j) => (allowId = j.id) },
  { name: "list the allowlist", method: "GET", path: () => "/v1/allowlist", status: 200, has: ['"telemetry.example"'] },
  { name: "remove it by prefix", method: "DELETE", path: () => `/v1/allowlist/${allowId.slice(0, 8)}`, status: 200, audit: "allow.remove", has: ['"kind":"sni"'] },
  { name: "add a notifier", method: "POST", path: () => "/v1/notifiers", body: { name: "soc", url: "https://hooks.slack.example/services/T/B/secretpart", template: "slack" }, status: 201, audit: "notifier.add", has: ['"name":"soc"', '"enabled":true'] },
  { name: "disable it", method: "PATCH", path: () => "/v1/notifiers/soc", body: { enabled: false }, status: 200, audit: "notifier.disable", has: ['"changed":true', '"enabled":false'] },
  { name: "remove it", method: "DELETE", path: () => "/v1/notifiers/soc", status: 200, audit: "notifier.remove", has: ['"name":"soc"'] },
  // A lockfile's packages as the CLI parsed them: one package.import record beside the package.add ones.
  { name: "import a lockfile", method: "POST", path: () => "/v1/packages/import", body: IMPORT, status: 200, audit: "package.import", has: ['"added":[{"package":"imp-a","version":"2.0.0"', '"already_watched":[]', '"skipped":[{"package":"git-dep"'] },
  { name: "import it again, dry run", method: "POST", path: () => "/v1/packages/import", body: { ...IMPORT, dry_run: true }, status: 200, has: ['"dry_run":true', '"added":[]', '"already_watched":["imp-a"]'] },
  { name: "queue a scan", method: "POST", path: () => "/v1/scans", body: { package: "demo-pkg", version: "1.0.2" }, status: 201, audit: "run.queue", has: ['"queued":true'] },
  { name: "promote the suspect run by prefix", method: "POST", path: () => `/v1/runs/${badRun.slice(0, 10)}/promote`, status: 200, audit: "baseline.promote", has: ['"cleared_deviations":11', '"version":"1.0.1"'] },
];

const refused: Case[] = [
  { name: "package: hostile name", method: "POST", path: () => "/v1/packages", body: { name: EVIL }, status: 400, has: ["invalid body: name: not a valid npm package name"] },
  { name: "package: unknown field", method: "POST", path: () => "/v1/packages", body: { name: "x", evil: EVIL }, status: 400 },
  { name: "package: settings typo", method: "PATCH", path: () => "/v1/packages/left-pad", body: { settings: { netwrk: "none" } }, status: 400 },
  { name: "package: unwatch one never watched", method: "DELETE", path: () => "/v1/packages/never-watched", status: 404, has: ["never-watched not found"] },
  { name: "allow: value missing", method: "POST", path: () => "/v1/allowlist", body: { kind: "sni" }, status: 400, has: ["invalid body: value"] },
  { name: "allow: unknown kind (the service says)", method: "POST", path: () => "/v1/allowlist", body: { kind: "port", value: EVIL }, status: 400, has: ["unknown allowlist kind"] },
  { name: "allow: id is not an id", method: "DELETE", path: () => `/v1/allowlist/${encodeURIComponent(EVIL)}`, status: 400 },
  { name: "notifier: not JSON", method: "POST", path: () => "/v1/notifiers", body: "{nope", status: 400 },
  { name: "notifier: enabled not a boolean", method: "PATCH", path: () => "/v1/notifiers/soc", body: { enabled: "false" }, status: 400, has: ["enabled"] },
  { name: "notifier: plain http to a public host", method: "POST", path: () => "/v1/notifiers", body: { name: "x", url: "http://hooks.example/x", template: "slack" }, status: 400, has: ["bad -url"] },
  { name: "promote: unknown run", method: "POST", path: () => "/v1/runs/ffffffffffff/promote", status: 404 },
  { name: "import: hostile name", method: "POST", path: () => "/v1/packages/import", body: { ...IMPORT, packages: [{ name: EVIL, versions: ["1.0.0"], install_script: null }] }, status: 400, has: ["invalid body: packages.0.name: not a valid npm package name"] },
  { name: "import: a range for a version", method: "POST", path: () => "/v1/packages/import", body: { ...IMPORT, packages: [{ name: "imp-b", versions: ["^1.0.0"], install_script: null }] }, status: 400, has: ["invalid body: packages.0.versions.0: a registry version"] },
  { name: "import: who acts is not the caller's to say", method: "POST", path: () => "/v1/packages/import", body: { ...IMPORT, actor: EVIL }, status: 400 },
  { name: "scan: bad version", method: "POST", path: () => "/v1/scans", body: { package: "x", version: EVIL }, status: 400, has: ["version: not an exact version"] },
];

/** Send the case's request; check its status and content; what it wrote to the audit log. */
async function run(c: Case): Promise<{ text: string; written: Array<{ actor: string; action: string }> }> {
  const before = await headSeq();
  const res = await req(c.method, c.path(), c.body);
  const text = await res.text();
  expect({ status: res.status, text }).toMatchObject({ status: c.status });
  for (const h of c.has ?? []) expect(text).toContain(h);
  return { text, written: (await listAudit(t.db, { limit: 10 })).filter((r) => r.seq! > before) };
}

describe("operator endpoints", () => {
  for (const c of happy) {
    test(`happy: ${c.name}`, async () => {
      const { text, written } = await run(c);
      if (c.audit) expect(written.map((r) => `${r.actor} ${r.action}`)).toContain(`api:operator ${c.audit}`);
      else expect(written).toEqual([]);
      c.after?.(JSON.parse(text));
    });
  }
  for (const c of refused) {
    test(`refused: ${c.name}`, async () => {
      const { text, written } = await run(c);
      const j = JSON.parse(text);
      expect(typeof j.error).toBe("string");
      expect(j.error).not.toContain("\n");
      expect(text).not.toContain("<script>");
      expect(written).toEqual([]);
    });
  }
  for (const c of happy.filter((x) => x.method !== "GET")) {
    for (const token of [null, "wrong-token"]) {
      test(`unauthenticated (${token ?? "no token"}): ${c.name}`, async () => {
        const before = await headSeq();
        const res = await req(c.method, c.path(), c.body, token);
        expect(res.status).toBe(401);
        expect(await res.json()).toEqual({ error: "operator token missing or wrong" });
        expect(await headSeq()).toBe(before);
      });
    }
  }
});

test("a package watched through the API wakes a waiting claim for its kickoff scan", async () => {
  const woken = t.d.dispatch.wait(3_000).then(() => Date.now());
  const t0 = Date.now();
  const res = await req("POST", "/v1/packages", { name: "wake-pkg", version: "1.0.0", skip_registry_validate: true });
  expect(res.status).toBe(201);
  expect((await woken) - t0).toBeLessThan(2_000);
});

describe("POST /v1/packages/import with Accept: application/x-ndjson", () => {
  const stream = (app: TestApp, body: unknown) =>
    app.app.request("/v1/packages/import", { method: "POST", headers: { "content-type": "application/json", accept: "application/x-ndjson", authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
  const lines = async (res: Response) => (await res.text()).trimEnd().split("\n").map((l) => JSON.parse(l));

  test("the result comes as the last line (no look-ups asked: no progress lines)", async () => {
    const res = await stream(t, { ...IMPORT, packages: [{ name: "imp-s", versions: ["1.0.0"], install_script: false }], skip_initial_scan: true });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/x-ndjson");
    const out = await lines(res);
    expect(out).toHaveLength(1);
    expect(out[0].result).toMatchObject({ added: [{ package: "imp-s", kickoff_run_id: null }], dry_run: false });
  });

  test("an error once the answer streams is its last line, safe, with the status it would have had; the detail goes to the log", async () => {
    const other = await openTestApp("r2", { "operator-token": TOKEN });
    await other.db.destroy(); // every query now fails
    const logged: string[] = [];
    other.d.log = (m: string) => void logged.push(m);
    const res = await stream(other, IMPORT);
    expect(res.status).toBe(200);
    const out = await lines(res);
    expect(out).toHaveLength(1);
    expect(out[0].status).toBeGreaterThanOrEqual(500);
    expect(typeof out[0].error).toBe("string");
    expect(out[0].error).not.toContain("\n");
    expect(out[0].result).toBeUndefined();
    expect(out[0]).toEqual(out[0].status === 503 ? expect.objectContaining({ error: expect.stringContaining("cannot be written") }) : { error: "internal error (see the orchestrator log)", status: 500 });
    if (out[0].status === 500) expect(logged.join("\n")).toContain("internal error on POST /v1/packages/import");
  });
});
