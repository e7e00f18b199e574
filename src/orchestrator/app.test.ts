// Scenario table for the API's input edge, in-process (app.request(), no
// port): each row is a request, the status it must get, what the body must
// say and what it must NOT say (attacker input is never echoed back).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openMigrated, type Store } from "../store/index.ts";
import { loadConfig } from "../core/config.ts";
import { createApp } from "./app.ts";
import { makeDeps } from "./deps.ts";

let db: Store;
let app: ReturnType<typeof createApp>;
let queuedRun = "";

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "fangs-app-"));
  writeFileSync(join(dir, "o.yaml"), "allowlist: []\n");
  db = await openMigrated(":memory:");
  const cfg = loadConfig({ config: join(dir, "o.yaml"), "ingest-rate-limit": 0 }, {});
  app = createApp(makeDeps(db, cfg));
  const r = await app.request("/v1/scans", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ package: "left-pad", version: "1.3.0" }) });
  queuedRun = ((await r.json()) as { run_id: string }).run_id;
});
afterAll(async () => db.destroy());

const EVIL = "<script>alert(1)</script>";
const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json", "X-Fangs-Runner": "r1" }, body: JSON.stringify(body) });

interface Case { name: string; path: string | (() => string); init?: RequestInit; status: number; has?: string[]; hasNot?: string[] }

const cases: Case[] = [
  { name: "scan: valid", path: "/v1/scans", init: json({ package: "lodash", version: "4.17.21" }), status: 201, has: ['"status":"queued"', "No runners registered", "/ui/runs/"] },
  { name: "scan: bad package name is not echoed", path: "/v1/scans", init: json({ package: EVIL, version: "1.0.0" }), status: 400, has: ["package: not a valid npm package name"], hasNot: ["<script>"] },
  { name: "scan: missing version", path: "/v1/scans", init: json({ package: "lodash" }), status: 400, has: ['"error":"invalid body: version'] },
  { name: "scan: unknown field rejected", path: "/v1/scans", init: json({ package: "lodash", version: "1.0.0", evil: EVIL }), status: 400, hasNot: ["<script>"] },
  { name: "scan: bad network", path: "/v1/scans", init: json({ package: "lodash", version: "1.0.0", network: "host" }), status: 400, has: ["network"] },
  { name: "scan: memory too small", path: "/v1/scans", init: json({ package: "lodash", version: "1.0.0", memory_mb: 1 }), status: 400, has: ["memory_mb"] },
  { name: "scan: duration string", path: "/v1/scans", init: json({ package: "lodash", version: "1.0.0", duration: "90s" }), status: 201, has: ['"duration_s":90'] },
  { name: "scan: duration too long", path: "/v1/scans", init: json({ package: "lodash", version: "1.0.0", duration: "2h" }), status: 400, has: ["at most 1h"] },
  { name: "scan: targeted at a missing runner says so", path: "/v1/scans", init: json({ package: "lodash", version: "1.0.0", runner: "scan-01" }), status: 201, has: ["Runner scan-01 is not registered"] },
  { name: "scan: malformed JSON", path: "/v1/scans", init: { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" }, status: 400, has: ['"error"'] },
  { name: "run: bad id", path: "/v1/runs/zzz", status: 400, has: ["run id: 16 hex characters"] },
  { name: "run: unknown id", path: "/v1/runs/0123456789abcdef", status: 404, has: ["run 0123456789abcdef not found"] },
  { name: "run: queued run readable", path: () => `/v1/runs/${queuedRun}`, status: 200, has: ['"status":"queued"', '"created_at_ms"'] },
  { name: "runs: by status", path: "/v1/runs?status=queued", status: 200, has: ['"status":"queued"'], hasNot: ['"status":"running"'] },
  { name: "runs: bad status", path: "/v1/runs?status=done", status: 400, has: ["status: queued, running"] },
  { name: "runs: bad limit", path: "/v1/runs?limit=abc", status: 400, has: ["limit"] },
  { name: "runs: limit too large", path: "/v1/runs?limit=100000", status: 400, has: ["at most 1000"] },
  { name: "events: bad kind", path: () => `/v1/runs/${queuedRun}/events?kind=${encodeURIComponent(EVIL)}`, status: 400, hasNot: ["<script>"] },
  { name: "pending: bad severity", path: "/v1/pending?min_severity=urgent", status: 400, has: ["min_severity"] },
  { name: "pending: empty", path: "/v1/pending", status: 200, has: ['"pending":[]'] },
  { name: "deviation: unknown", path: "/v1/deviations/0123456789abcdef", status: 404 },
  { name: "baseline: scoped package", path: "/v1/baselines/@scope/pkg", status: 200, has: ['"package":"@scope/pkg"', '"fingerprints":[]'] },
  { name: "overview numbers", path: "/v1/overview", status: 200, has: ['"runs_total":', '"packages_watched":0', '"events_dropped_lifetime":0'] },
  { name: "register: bad id", path: "/v1/runners/register", init: json({ id: "../etc", hostname: "h" }), status: 400, hasNot: ["../etc"] },
  { name: "register: ok", path: "/v1/runners/register", init: { ...json({ hostname: "r1" }), headers: { "content-type": "application/json" } }, status: 200, has: ['"runner_id":"r1"', '"heartbeat_interval_s"'] },
  { name: "heartbeat: unknown runner", path: "/v1/runners/ghost/heartbeat", init: { ...json({}), headers: { "content-type": "application/json", "X-Fangs-Runner": "ghost" } }, status: 404, has: ["not registered"] },
  { name: "claim: bad wait", path: "/v1/runners/r1/claim?wait=forever", init: json({}), status: 400, has: ["wait"] },
  { name: "events: batch into a run not claimed", path: () => `/v1/runs/${queuedRun}/events`, init: json({ batch_seq: 0, events: [] }), status: 403, has: ["not claimed by runner r1"] },
  { name: "events: batch too large", path: () => `/v1/runs/${queuedRun}/events`, init: json({ batch_seq: 0, events: Array(5001).fill({}) }), status: 400 },
  { name: "finish: bad status", path: () => `/v1/runs/${queuedRun}/finish`, init: json({ status: "exploded", exit_code: 0, events_sent: 0, events_dropped: 0 }), status: 400, has: ["status"] },
  { name: "unknown endpoint", path: "/v1/nope", status: 404, has: ["no such endpoint"], hasNot: ["/v1/nope"] },
  { name: "unknown endpoint: the path is never echoed", path: `/v1/${encodeURIComponent(EVIL)}/x`, status: 404, has: ["no such endpoint"], hasNot: ["script", "alert", "/v1/"] },
  { name: "unknown endpoint: POST, path not echoed", path: "/v1/evil-path-marker", init: json({}), status: 404, hasNot: ["evil-path-marker"] },
  ...(["latest", "not-semver", "1.0", "01.0.0", "^1.0.0", "~1.2.3", "1.x", "v1.0.0", "1.0.0 ", ""] as const).map((version): Case => ({
    name: `scan: version ${JSON.stringify(version)} is not exact semver`, path: "/v1/scans", init: json({ package: "lodash", version }), status: 400, has: ["version: not an exact version"],
  })),
  ...(["1.0.0-beta.1", "1.0.0+build.7", "0.0.1"] as const).map((version): Case => ({
    name: `scan: version ${version} is exact`, path: "/v1/scans", init: json({ package: "lodash", version }), status: 201, has: [`"version":"${version}"`],
  })),
  ...(["~x", "x~", "a!b", ".hidden", "_private", "node_modules", "a b", "@scope", "@s/x/y", "é"] as const).map((name): Case => ({
    name: `scan: package ${JSON.stringify(name)} breaks npm's naming rules`, path: "/v1/scans", init: json({ package: name, version: "1.0.0" }), status: 400, has: ["package: not a valid npm package name"],
  })),
  ...(["@types/node", "lodash.merge", "JSONStream"] as const).map((name): Case => ({
    name: `scan: package ${name} is valid`, path: "/v1/scans", init: json({ package: name, version: "1.0.0" }), status: 201,
  })),
  { name: "metrics exposed", path: "/metrics", status: 200, has: ["fangs_runs{status=\"queued\"}", "fangs_http_request_duration_seconds_bucket", "fangs_runners_alive"] },
];

describe("API input edge", () => {
  for (const c of cases) {
    test(c.name, async () => {
      const path = typeof c.path === "function" ? c.path() : c.path;
      const res = await app.request(path, c.init);
      const text = await res.text();
      expect({ status: res.status, text }).toMatchObject({ status: c.status });
      for (const h of c.has ?? []) expect(text).toContain(h);
      for (const h of c.hasNot ?? []) expect(text).not.toContain(h);
      if (res.status >= 400) expect(JSON.parse(text)).toHaveProperty("error");
    });
  }
});
