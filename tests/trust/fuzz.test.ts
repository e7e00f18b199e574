// Hostile input against the compiled orchestrator: thousands of randomized
// malformed bodies (bounded count and time) posted with VALID credentials to
// every mutating endpoint, junk queries and paths to the reads, junk
// credentials everywhere. Every answer must be a 4xx (never 2xx, never 5xx),
// the database must be byte-for-byte unchanged (row counts + a hash of every
// table), and the server must still serve afterwards. The web UI's form POSTs
// get the same treatment with browser-shaped attacks (foreign or missing
// Origin, wrong content types, no cookie, oversized forms). Run against both
// listeners: runner token on Bun.serve, and runner mTLS on node:tls+node:http.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { tempDir } from "../lib/env.ts";
import { createHash } from "node:crypto";
import { Database } from "bun:sqlite";
import * as v from "valibot";
import { call, makePki, startServe, type Pki, type Serve } from "./lib.ts";
import { RegisterRequest, HeartbeatRequest, EventBatch, FinishRequest, RUNNER_ID_HEADER } from "../../src/protocol/runner.ts";
import { AllowAddRequest, NotifierAddRequest, NotifierEnableRequest, PackageAddRequest, PackageImportRequest, PackageSetRequest, ScanRequest } from "../../src/protocol/operator.ts";
import { InstallManifest } from "../../src/protocol/manifest.ts";
import { writeFileSync } from "node:fs";
import { createApp } from "../../src/orchestrator/app.ts";
import { makeDeps } from "../../src/orchestrator/deps.ts";
import { openMigrated } from "../../src/store/index.ts";
import { loadConfig } from "../../src/core/config.ts";

const RT = "fuzz-runner-token";
const OP = "fuzz-operator-token";
const MAX_REQUESTS = 8000;
const MAX_MS = 60_000;
const UI_MAX_REQUESTS = 3000;
const UI_MAX_MS = 20_000;

const SEED = Number(process.env.FANGS_FUZZ_SEED ?? Date.now() % 1e9);
function mulberry32(a: number) {
  return () => {
    a |= 0; a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

const JUNK: readonly unknown[] = [
  null, true, false, 0, -1, -0.5, 1.5, 2 ** 53 + 2, 1e308, -1e308, "", " ", "x", "0", "true", "null",
  "x".repeat(70_000), "\u0000\u0001\u001b[31m", "\ud800", "../../../etc/passwd", "<script>alert(1)</script>", "'; DROP TABLE runs; --",
  "%00", "ÿ".repeat(300), [], [null], [1, "a", {}], {}, { __proto__: { polluted: 1 } }, { constructor: { prototype: { x: 1 } } },
  JSON.parse('{"__proto__": {"isAdmin": true}}'), Array(6000).fill(0), { a: { b: { c: { d: [] } } } },
];

const RAW_BODIES: readonly string[] = [
  "", "{", "[", "}", "{{}}", "nul", "tru", "{\"a\":", "{\"batch_seq\":0,\"events\":[", "\"just a string\"", "42", "-1", "[]", "null",
  "{\"a\":1,}", "{'a':1}", "\ufeff{}", "{\"x\":\"\\ud800\"}", "[".repeat(50_000) + "]".repeat(50_000), "{\"a\":".repeat(3000) + "1" + "}".repeat(3000),
  "\u0000\u0000\u0000", "{\"batch_seq\":1e999,\"events\":[]}", "{\"events\":\"not an array\",\"batch_seq\":0}",
];

function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x));
}

/** Randomly break a valid body: drop, retype or add fields, at any depth. */
function mutate(body: unknown, depth = 0): unknown {
  if (body === null || typeof body !== "object" || depth > 4 || rand() < 0.25) return pick(JUNK);
  const b = clone(body) as Record<string, unknown>;
  const keys = Object.keys(b);
  const op = rand();
  if (op < 0.25 && keys.length) delete b[pick(keys)];
  else if (op < 0.75 && keys.length) { const k = pick(keys); b[k] = mutate(b[k], depth + 1); }
  else if (op < 0.9) b[pick(["zzz", "__proto__", "id", "runner_id", "status", "0"])] = pick(JUNK);
  else return Array.isArray(b) ? { ...b } : [b];
  return b;
}

/** How a caller authenticates on one listener: headers and/or a client certificate. */
interface Creds { headers: Record<string, string>; tls?: object }
interface Mode {
  name: string;
  args: (dir: string) => string[];
  runner: (id: string) => Creds;
  operator: () => Creds;
  /** Credentials that must be refused on a runner route. */
  badRunner: () => Creds;
}
interface Target { method: string; path: () => string; creds: Creds; runner: boolean; schema: v.GenericSchema; valid: unknown }
const event = { seq: 0, ts_ns: 1, pid: 10, ppid: 1, uid: 0, comm: "node", exe: "/usr/bin/node", cgroup_id: "1", ancestry: [], source: "test", kind: "file", path: "/tmp/x", flags: 0, access: "read" };

function targets(m: Mode, runId: string): Target[] {
  return [
    { method: "POST", path: () => "/v1/scans", creds: m.operator(), runner: false, schema: ScanRequest, valid: { package: "left-pad", version: "1.3.0", duration: "30s", network: "none" } },
    // register with a body only: under mTLS the CN (fz-1) names the runner, which is already registered
    { method: "POST", path: () => "/v1/runners/register", creds: m.runner("fz-1"), runner: true, schema: RegisterRequest, valid: { id: "fz-1", hostname: "h", probes: [{ name: "p", active: true }] } },
    { method: "POST", path: () => "/v1/runners/fz-1/heartbeat", creds: m.runner("fz-1"), runner: true, schema: HeartbeatRequest, valid: { active_run_id: runId } },
    { method: "POST", path: () => `/v1/runs/${runId}/events`, creds: m.runner("fz-1"), runner: true, schema: EventBatch, valid: { batch_seq: 1, events: [event] } },
    { method: "POST", path: () => `/v1/runs/${runId}/finish`, creds: m.runner("fz-1"), runner: true, schema: FinishRequest, valid: { status: "finished", exit_code: 0, events_sent: 1, events_dropped: 0 } },
    // a control re-run of a run still running is refused (409) whatever the body
    { method: "POST", path: () => `/v1/runs/${runId}/control`, creds: m.operator(), runner: false, schema: v.object({}), valid: {} },
    { method: "POST", path: () => `/v1/runs/${runId}/manifest`, creds: m.runner("fz-1"), runner: true, schema: InstallManifest, valid: { format: 1, package: "left-pad", version: "1.3.0", method: "script-free-install", npm_exit: 0, truncated: false, packages: [{ path: "node_modules/left-pad", name: "left-pad", version: "1.3.0", resolved: null, integrity: null, install_scripts: false, binding_gyp: false, scripts: [], files: [{ path: "index.js", size: 1, sha256: "0".repeat(64) }] }] } },
    // The operator's mutations (routes/operator.ts). Nothing named here exists, so
    // even a body the route ignores gets a 4xx (404, or 400 for the running run's promote).
    { method: "POST", path: () => "/v1/packages", creds: m.operator(), runner: false, schema: PackageAddRequest, valid: { name: "left-pad", version: "1.3.0", skip_registry_validate: true } },
    // a lockfile's packages as the CLI sends them (any body the schema takes would write: only broken ones are sent)
    { method: "POST", path: () => "/v1/packages/import", creds: m.operator(), runner: false, schema: PackageImportRequest, valid: { source: "/srv/app/package-lock.json", format: "npm", lockfile_version: "3", packages: [{ name: "left-pad", versions: ["1.3.0"], install_script: false, resolved: ["https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz"] }], skipped: [{ package: "git-dep", reason: "not from a registry" }], skip_registry_validate: true, only_install_scripts: true } },
    { method: "PATCH", path: () => "/v1/packages/fz-unwatched", creds: m.operator(), runner: false, schema: v.object({}), valid: { settings: { network: "none" } } as v.InferInput<typeof PackageSetRequest> },
    { method: "DELETE", path: () => "/v1/packages/fz-unwatched", creds: m.operator(), runner: false, schema: v.object({}), valid: {} },
    { method: "POST", path: () => "/v1/allowlist", creds: m.operator(), runner: false, schema: AllowAddRequest, valid: { kind: "sni", value: "fuzz.example", note: "n" } },
    { method: "DELETE", path: () => "/v1/allowlist/0fz0", creds: m.operator(), runner: false, schema: v.object({}), valid: {} },
    { method: "POST", path: () => `/v1/runs/${runId}/promote`, creds: m.operator(), runner: false, schema: v.object({}), valid: {} },
    { method: "POST", path: () => "/v1/notifiers", creds: m.operator(), runner: false, schema: NotifierAddRequest, valid: { name: "soc", url: "https://hooks.example/x", template: "slack" } },
    { method: "PATCH", path: () => "/v1/notifiers/fz-none", creds: m.operator(), runner: false, schema: v.object({}), valid: { enabled: false } as v.InferInput<typeof NotifierEnableRequest> },
    { method: "DELETE", path: () => "/v1/notifiers/fz-none", creds: m.operator(), runner: false, schema: v.object({}), valid: {} },
    // sign-in: the body is the credential, so its "valid" form carries a wrong token (401)
    { method: "POST", path: () => "/v1/session", creds: m.operator(), runner: false, schema: v.strictObject({ token: v.literal(OP) }), valid: { token: "not-the-operator-token" } },
  ];
}

/** Is this raw text a body the protocol accepts (a tolerant reader ignores unknown keys)? */
function acceptable(t: Target, raw: string): boolean {
  try {
    const b = JSON.parse(raw.replace(/^\ufeff/, ""));
    return b !== null && typeof b === "object" && !Array.isArray(b) && v.is(t.schema!, b);
  } catch {
    return false;
  }
}

/** One randomized request that must be refused with a 4xx. */
function malformed(m: Mode, ts: Target[]): { t: Target; body: string; headers: Record<string, string>; tls?: object; why: string } {
  const t = pick(ts);
  const headers: Record<string, string> = { ...t.creds.headers, "content-type": "application/json" };
  const tls = t.creds.tls;
  const valid = JSON.stringify(t.valid);
  const r = rand();
  if (r < 0.15) {
    const raw = pick(RAW_BODIES);
    if (!acceptable(t, raw)) return { t, body: raw, headers, tls, why: "raw" };
  }
  if (r < 0.2) return { t, body: valid, headers: { ...headers, "content-type": pick(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx"]) }, tls, why: "content-type" };
  if (r < 0.25) {
    if (t.runner && !t.path().includes("register")) {
      const bad = m.badRunner();
      return { t, body: valid, headers: { ...bad.headers, "content-type": "application/json" }, tls: bad.tls, why: "auth" };
    }
    if (!t.runner) return { t, body: valid, headers: { ...headers, authorization: pick(["", "Bearer", `Bearer ${OP}x`, `Basic ${btoa("a:b")}`, `Bearer ${OP}${RT}`, `bearer  ${OP.slice(0, -1)}`, `Bearer ${RT}`]) }, tls, why: "auth" };
  }
  if (r < 0.28 && /fz-1\/|runs/.test(t.path())) return { t, body: valid, headers: { ...headers, [RUNNER_ID_HEADER]: pick(["fz-2", "../fz-1", "fz 1", "", "x".repeat(300)]) }, tls, why: "runner header" };
  for (let i = 0; i < 50; i++) {
    const body = JSON.stringify(mutate(t.valid)) ?? ""; // judge what is sent: e.g. a "__proto__" key does not survive stringify
    if (!acceptable(t, body)) return { t, body, headers, tls, why: "mutated" };
  }
  return { t, body: "{", headers, tls, why: "raw" };
}

// ---- The web UI's form POSTs: same invariants, browser-shaped attacks. ----
// A browser authenticates with the fangs_operator cookie and must name this
// origin (Origin or Referer). Every request below is broken in at least one
// way, so none may change anything; the only non-4xx answer allowed is the
// documented sign-out redirect (303 to /ui/login).
const UI_JUNK: readonly string[] = [
  "", " ", "x", "\u0000", "\u001b[31m", "<script>alert(1)</script>", "'; DROP TABLE allowlist; --", "../../etc/passwd", "%00", "ÿ".repeat(300), "a".repeat(2000), "\ud800x",
];
const UI_RAW: readonly string[] = ["", "=", "&&&", "=&=&=", "%zz%", "kind", "kind=&value=", "kind=sni", "value=a.example", "kind=nope&value=a.example", "%ff%fe=%ff", "a=1&".repeat(5000), "kind=sni&value=" + "x".repeat(1025)];
const UI_IDS: readonly string[] = ["zzzz", "0123456789abcdef", "ffffffffffffffff", "%2e%2e%2f%2e%2e", "x".repeat(300), "%00", "..", "%3Cscript%3E"];

/** The five form routes; each body breaker leaves the request invalid whatever else is sent. */
interface UiTarget { route: string; path: (runId: string) => string; base: Record<string, string>; breakers: ReadonlyArray<() => Record<string, string>> }
const UI_TARGETS: readonly UiTarget[] = [
  { route: "POST /ui/pending/:id/promote", path: (runId) => `/ui/pending/${pick([...UI_IDS, runId])}/promote`, base: {}, breakers: [() => ({})] }, // the world's run is still running: not promotable (409)
  {
    route: "POST /ui/allowlist", path: () => "/ui/allowlist", base: { kind: "sni", value: "b.example", package: "", note: "" },
    breakers: [
      () => ({ kind: pick(["", "SNI", "dns", "cidr ", "path\u0000", "x".repeat(100)]) }),
      () => ({ value: pick(["", " ", "\t\n", "x".repeat(1025)]) }),
      () => ({ package: pick(["../x", "a b", "x".repeat(215), "@/", "<script>", ".hidden", "@scope/"]) }),
      () => ({ note: "n".repeat(501) }),
      () => ({ kind: "cidr", value: pick(["not-a-cidr", "300.1.1.1/8", "198.51.100.0/99", "::g/64"]) }),
    ],
  },
  { route: "POST /ui/runs/:id/control", path: (runId) => `/ui/runs/${pick([...UI_IDS, runId])}/control`, base: {}, breakers: [() => ({})] }, // the world's run is still running: no control re-run (409)
  { route: "POST /ui/allowlist/:id/remove", path: () => `/ui/allowlist/${pick([...UI_IDS, "a", "deadbeef", "0"])}/remove`, base: {}, breakers: [() => ({})] }, // no allowlist entries exist
  {
    route: "POST /ui/login", path: () => "/ui/login", base: { token: "not-the-operator-token", next: "/ui/pending" },
    breakers: [() => ({ token: pick(["", `${OP}x`, OP.slice(0, -1), RT, "x".repeat(1025), ` ${OP}`]) }), () => ({ next: pick(["https://evil.example/", "//evil.example", "/ui/\\evil"]) })],
  },
  { route: "POST /ui/logout", path: () => "/ui/logout", base: {}, breakers: [() => ({})] },
];

function formOf(fields: Record<string, string>, extra: [string, string][] = []): string {
  const q = new URLSearchParams();
  for (const [k, x] of [...Object.entries(fields), ...extra]) q.append(k, x);
  return q.toString();
}

/** One randomized, broken UI form POST. */
function malformedUi(base: string, runId: string, creds: Creds): { t: UiTarget; path: string; body: string; headers: Record<string, string>; tls?: object; why: string } {
  const t = pick(UI_TARGETS);
  const path = t.path(runId);
  const origin = new URL(base).origin;
  const cookie = `fangs_operator=${OP}`;
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", cookie, origin, ...(rand() < 0.5 ? { "hx-request": "true", "hx-current-url": `${origin}/ui/pending` } : {}) };
  const extra: [string, string][] = Array.from({ length: Math.floor(rand() * 3) }, () => [pick(["zzz", "__proto__", "constructor", "id", "actor", "kind[]", ""]), pick(UI_JUNK)]);
  const breaker = pick(t.breakers)();
  // the breaker goes last: of a duplicated key the form parser keeps the last value
  const broken = (fields: Record<string, string>) => [formOf(fields, extra), formOf(breaker)].filter(Boolean).join("&");
  const body = broken(t.base);
  const r = rand();
  const tls = creds.tls;
  if (r < 0.15) {
    const { origin: _o, ...rest } = headers;
    const foreign = pick<Record<string, string>>([{}, { origin: "null" }, { origin: "https://evil.example" }, { origin: `${origin}.evil.example` }, { referer: "https://evil.example/ui/pending" }, { origin: origin.replace(/:\d+$/, ":1") }]);
    return { t, path, body, headers: { ...rest, ...foreign }, tls, why: "origin" };
  }
  if (r < 0.27) return { t, path, body, headers: { ...headers, "content-type": pick(["text/plain", "multipart/form-data; boundary=x", "application/x-www-form-urlencodedx", "text/html", "application/xml"]) }, tls, why: "content-type" };
  if (r < 0.37 && t.route !== "POST /ui/login") {
    const { cookie: _c, ...rest } = headers;
    return { t, path, body, headers: { ...rest, ...pick<Record<string, string>>([{}, { cookie: `fangs_operator=${OP}x` }, { cookie: "fangs_operator=" }, { cookie: `FANGS_OPERATOR=${OP}` }, { authorization: `Bearer ${RT}` }]) }, tls, why: "auth" };
  }
  if (r < 0.4) return { t, path, body: broken({ ...t.base, pad: "x".repeat(70_000) }), headers, tls, why: "oversized" };
  if (r < 0.5) return { t, path, body: pick(UI_RAW), headers, tls, why: "raw form" };
  return { t, path, body, headers, tls, why: "form" };
}

/** `workers` concurrent loops calling `one` until `max` requests were sent or `maxMs` passed. */
async function hammer(workers: number, max: number, maxMs: number, one: () => Promise<void>): Promise<{ sent: number; secs: number }> {
  const started = performance.now();
  let sent = 0;
  const worker = async () => {
    while (sent < max && performance.now() - started < maxMs) {
      sent++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return { sent, secs: (performance.now() - started) / 1000 };
}

function snapshot(path: string): Record<string, { rows: number; sha256: string }> {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[];
    const out: Record<string, { rows: number; sha256: string }> = {};
    for (const { name } of tables) {
      const rows = db.query(`SELECT * FROM "${name.replace(/"/g, '""')}" ORDER BY rowid`).all();
      out[name] = { rows: rows.length, sha256: createHash("sha256").update(JSON.stringify(rows, (_k, x) => (typeof x === "bigint" ? String(x) : x))).digest("hex") };
    }
    return out;
  } finally {
    db.close();
  }
}

/** Junk queries and ids for every read (and the claim long-poll's query). */
function junkReadPaths(runId: string): string[] {
  return [
      "/v1/runs?limit=-1", "/v1/runs?limit=abc", "/v1/runs?package=%00", "/v1/runs/zzzz", "/v1/runs/" + "a".repeat(5000), "/v1/runs/%2e%2e%2f%2e%2e/events",
    `/v1/runs/${runId}/events?kind=bogus&after=-5&limit=1e9`, "/v1/deviations/%ff", "/v1/pending?min_severity=extreme", "/v1/baselines/%00%01",
    "/v1/baselines/" + "@".repeat(300), "/v1/audit?target_kind=nope", "/v1/audit?limit=0", "/v1/audit?limit=99999999", "/v1/audit?zzz=1",
    "/v1/audit/verify?anchor=1:zz", "/v1/audit/verify?anchor=" + "9".repeat(40) + ":" + "a".repeat(64), "/v1/audit/verify?x=1",
    "/v1/runners/fz-1/claim?wait=abc", "/v1/runners/fz-1/claim?wait=-1",
    "/v1/overview?x=%00", "/v1/packages?limit=-1", "/v1/packages/%00", "/v1/packages/..%2f..%2fetc", "/v1/packages/%2e%2e%2f%00", "/v1/packages/" + "a".repeat(5000), "/v1/packages/@scope", "/v1/runners?x=%ff", "/v1/notifiers?x=1", "/v1/allowlist?x=%00", "/v1/runs/zzzz/deviations", `/v1/runs/${"f".repeat(17)}/notifications`, "/v1/runs/zzzz/diff", `/v1/runs/${"f".repeat(17)}/diff`,
  ];
}

/** Routes with no input to break: no body, no parameters. */
const NO_INPUT = ["GET /healthz", "GET /metrics", "DELETE /v1/session"];

let pki: Pki;
let foreign: Pki;
const MODES: Mode[] = [
  {
    name: "runner token, Bun.serve",
    args: () => ["-runner-token", RT],
    runner: (id) => ({ headers: { authorization: `Bearer ${RT}`, [RUNNER_ID_HEADER]: id } }),
    operator: () => ({ headers: { authorization: `Bearer ${OP}` } }),
    badRunner: () => ({ headers: { authorization: pick(["", "Bearer", `Bearer ${RT}x`, `Basic ${btoa("a:b")}`, `Bearer ${OP}`, `bearer  ${RT.slice(0, -1)}`]), [RUNNER_ID_HEADER]: "fz-1" } }),
  },
  {
    name: "runner mTLS, node:tls",
    args: (dir) => {
      pki = makePki(join(dir, "ca"), ["fz-1", "fz-2"]);
      foreign = makePki(join(dir, "foreign"), ["fz-1"]);
      return ["-tls-cert", join(pki.dir, "server.crt"), "-tls-key", join(pki.dir, "server.key"), "-tls-client-ca", join(pki.dir, "ca.crt")];
    },
    runner: (id) => ({ headers: {}, tls: { ca: pki.ca, ...pki.cert(id) } }),
    operator: () => ({ headers: { authorization: `Bearer ${OP}` }, tls: { ca: pki.ca } }),
    badRunner: () => pick<Creds>([{ headers: {}, tls: { ca: pki.ca } }, { headers: {}, tls: { ca: pki.ca, ...foreign.cert("fz-1") } }, { headers: { authorization: `Bearer ${OP}` }, tls: { ca: pki.ca } }]),
  },
];

describe.each(MODES)("hostile input ($name)", (m) => {
  let srv: Serve;
  let runId: string;
  /** A call with a mode's credentials. */
  const as = (c: Creds) => ({ headers: c.headers, tls: c.tls });

  beforeAll(async () => {
    const dir = tempDir("fangs-fuzz-");
    srv = await startServe([...m.args(dir), "-operator-token", OP, "-ingest-rate-limit", "0", "-retention-first-prune", "3600", "-runner-stale-after", "600"], { dir });
    // A world worth protecting: two runners, one running scan owned by fz-1, one stored batch.
    for (const id of ["fz-1", "fz-2"]) expect((await call(srv.url, "POST", "/v1/runners/register", { id, hostname: "h" }, as(m.runner(id)))).status).toBe(200);
    const q = await call(srv.url, "POST", "/v1/scans", { package: "left-pad", version: "1.3.0", runner: "fz-1" }, as(m.operator()));
    expect(q.status).toBe(201);
    runId = q.json.run_id;
    const claim = await call(srv.url, "POST", "/v1/runners/fz-1/claim?wait=5", undefined, as(m.runner("fz-1")));
    expect(claim.json?.run?.id).toBe(runId);
    expect((await call(srv.url, "POST", `/v1/runs/${runId}/events`, { batch_seq: 0, events: [event] }, as(m.runner("fz-1")))).status).toBe(200);
  });
  afterAll(async () => {
    await srv?.stop();
  });

  test(`thousands of malformed bodies: all 4xx, DB unchanged, server alive (seed ${SEED})`, async () => {
    const before = snapshot(srv.db);
    const ts = targets(m, runId);
    const statuses = new Map<number, number>();
    const bad: string[] = [];
    const { sent, secs } = await hammer(8, MAX_REQUESTS, MAX_MS, async () => {
      const x = malformed(m, ts);
      const res = await fetch(srv.url + x.t.path(), { method: x.t.method, headers: x.headers, body: x.body, tls: x.tls } as RequestInit);
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status < 400 || res.status >= 500) bad.push(`${res.status} ${x.t.method} ${x.t.path()} (${x.why}) ${x.body.slice(0, 200)}`);
    });
    console.log(`fuzz [${m.name}]: ${sent} requests in ${secs.toFixed(1)}s (seed ${SEED}); statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(bad.slice(0, 5)).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(1000);
    expect(snapshot(srv.db)).toEqual(before);
    // still serving, and the owner's valid requests still work
    expect((await call(srv.url, "GET", "/healthz", undefined, { tls: m.operator().tls })).status).toBe(200);
    expect((await call(srv.url, "POST", "/v1/runners/fz-1/heartbeat", {}, as(m.runner("fz-1")))).status).toBe(200);
  }, MAX_MS + 30_000);

  test(`web UI form POSTs: malformed, cross-origin, unauthenticated, oversized: all 4xx (or the sign-out redirect), DB unchanged (seed ${SEED})`, async () => {
    const before = snapshot(srv.db);
    const statuses = new Map<string, number>();
    const bad: string[] = [];
    const { sent, secs } = await hammer(4, UI_MAX_REQUESTS, UI_MAX_MS, async () => {
      const x = malformedUi(srv.url, runId, m.operator());
      const res = await fetch(srv.url + x.path, { method: "POST", headers: x.headers, body: x.body, tls: x.tls, redirect: "manual" } as RequestInit);
      await res.arrayBuffer();
      const key = `${x.t.route.split(" ")[1]} ${res.status}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      const signOut = x.t.route === "POST /ui/logout" && res.status === 303 && res.headers.get("location") === "/ui/login";
      if (!signOut && (res.status < 400 || res.status >= 500)) bad.push(`${res.status} POST ${x.path} (${x.why}) ${JSON.stringify(x.headers)} ${x.body.slice(0, 200)}`);
      if (res.headers.get("set-cookie")?.includes(`fangs_operator=${OP}`)) bad.push(`sign-in cookie set by POST ${x.path} (${x.why})`);
    });
    console.log(`ui fuzz [${m.name}]: ${sent} requests in ${secs.toFixed(1)}s (seed ${SEED}); route+status ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    expect(bad.slice(0, 5)).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(500);
    // every form route was reached past the trust gate at least once (its own 4xx, not only 401/403/413/415)
    const reached = (route: string) => [...statuses.keys()].some((k) => k.startsWith(route.split(" ")[1].replace(/:id.*/, "")) && /\s(404|409|422|429|303)$/.test(k));
    expect(UI_TARGETS.map((t) => t.route).filter((r) => !reached(r))).toEqual([]);
    expect(snapshot(srv.db)).toEqual(before);
    // still serving: the UI renders for the signed-in browser
    const page = await fetch(srv.url + "/ui/pending", { headers: { cookie: `fangs_operator=${OP}` }, tls: m.operator().tls } as RequestInit);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<title>Pending");
  }, UI_MAX_MS + 30_000);

  test("oversized bodies are refused with 413 before anything is written", async () => {
    const before = snapshot(srv.db);
    const huge = JSON.stringify({ batch_seq: 2, events: Array.from({ length: 4000 }, () => ({ ...event, exe: "x".repeat(4096) })) }); // ~17 MB
    expect(huge.length).toBeGreaterThan(16 << 20);
    expect((await call(srv.url, "POST", `/v1/runs/${runId}/events`, huge, { ...as(m.runner("fz-1")), headers: { ...m.runner("fz-1").headers, "content-type": "application/json" } })).status).toBe(413);
    const big = JSON.stringify({ package: "left-pad", version: "1.3.0", pad: "x".repeat(70_000) });
    expect((await call(srv.url, "POST", "/v1/scans", big, { ...as(m.operator()), headers: { ...m.operator().headers, "content-type": "application/json" } })).status).toBe(413);
    const tooMany = { batch_seq: 2, events: Array.from({ length: 5001 }, () => event) };
    expect((await call(srv.url, "POST", `/v1/runs/${runId}/events`, tooMany, as(m.runner("fz-1")))).status).toBe(400);
    expect(snapshot(srv.db)).toEqual(before);
  });

  test("junk paths, queries and credentials on the read API: never a 5xx", async () => {
    const paths = junkReadPaths(runId);
    for (const p of paths) {
      for (const auth of [undefined, "wrong", OP]) {
        const method = p.includes("/claim") ? "POST" : "GET";
        const good = p.includes("/claim") ? m.runner("fz-1") : m.operator();
        const creds = auth === OP ? good : { headers: auth ? { authorization: `Bearer ${auth}`, [RUNNER_ID_HEADER]: "fz-1" } : { [RUNNER_ID_HEADER]: "fz-1" }, tls: m.badRunner().tls };
        const r = await call(srv.url, method, p, undefined, as(creds));
        expect(r.status, `${method} ${p} (${auth})`).toBeLessThan(500);
        if (auth !== OP) expect(r.status, `${method} ${p} without the right token`).toBeOneOf([400, 401, 404]);
      }
    }
  });
});

describe.each(MODES)("deregister ($name)", (m) => {
  test("a runner cannot deregister another; junk ids and credentials are refused; DB unchanged", async () => {
    const dir = tempDir("fangs-fuzz-del-");
    const srv = await startServe([...m.args(dir), "-operator-token", OP], { dir });
    const as = (c: Creds) => ({ headers: c.headers, tls: c.tls });
    try {
      for (const id of ["fz-1", "fz-2"]) expect((await call(srv.url, "POST", "/v1/runners/register", { id, hostname: "h" }, as(m.runner(id)))).status).toBe(200);
      const before = snapshot(srv.db);
      for (const [path, creds, why] of [
        ["/v1/runners/fz-2", m.runner("fz-1"), "another runner"],
        ["/v1/runners/fz-1", m.badRunner(), "bad credentials"],
        ["/v1/runners/fz-1", m.operator(), "operator credentials"],
        ["/v1/runners/%2e%2e%2ffz-1", m.runner("fz-1"), "path junk"],
        ["/v1/runners/" + "x".repeat(300), m.runner("fz-1"), "long id"],
      ] as const) {
        const r = await call(srv.url, "DELETE", path, undefined, as(creds));
        expect(r.status, why).toBeGreaterThanOrEqual(400);
        expect(r.status, why).toBeLessThan(500);
      }
      expect(snapshot(srv.db)).toEqual(before);
      expect((await call(srv.url, "DELETE", "/v1/runners/fz-1", undefined, as(m.runner("fz-1")))).status).toBe(200);
    } finally {
      await srv.stop();
    }
  });
});

test("every API route of the app is fuzzed above (a new endpoint must join the fuzz)", async () => {
  const dir = tempDir("fangs-fuzz-routes-");
  writeFileSync(join(dir, "o.yaml"), "allowlist: []\n");
  const db = await openMigrated(":memory:");
  try {
    const app = createApp(makeDeps(db, loadConfig({ config: join(dir, "o.yaml") }, {})));
    const runId = "0123456789abcdef";
    const sent = [
      ...targets(MODES[0], runId).map((t) => `${t.method} ${t.path()}`),
      ...junkReadPaths(runId).map((p) => `${p.includes("/claim") ? "POST" : "GET"} ${p.split("?")[0]}`),
      "DELETE /v1/runners/fz-2",
    ];
    const api = app.routes.filter((r) => r.method !== "ALL" && !r.path.startsWith("/ui") && r.path !== "/*");
    const pattern = (path: string) => new RegExp("^" + path.replace(/:[a-z]+\{([^}]+)\}/g, "($1)").replace(/:[a-z]+/g, "[^/]+") + "$");
    const missing = [...new Set(api.map((r) => `${r.method} ${r.path}`))].filter((route) => {
      if (NO_INPUT.includes(route)) return false;
      const [method, path] = route.split(" ");
      const re = pattern(path);
      return !sent.some((s) => s.startsWith(method + " ") && re.test(s.slice(method.length + 1)));
    });
    expect(api.length).toBeGreaterThan(15);
    expect(missing).toEqual([]);
    // the web UI's form POSTs are fuzzed by the UI test above
    const uiPosts = [...new Set(app.routes.filter((r) => r.method === "POST" && r.path.startsWith("/ui")).map((r) => `${r.method} ${r.path}`))];
    expect(uiPosts.length).toBeGreaterThanOrEqual(5);
    expect(uiPosts.filter((r) => !UI_TARGETS.some((t) => t.route === r))).toEqual([]);
  } finally {
    await db.destroy();
  }
});

