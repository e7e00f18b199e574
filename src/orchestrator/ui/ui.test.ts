// The UI routes in-process (app.request(), no port): status codes, HTML
// escaping of attacker strings, headers, the htmx mutations' fragments and
// their audit rows. Seeded through the real API paths (tests/ui/seed.ts).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openMigrated, type Store } from "../../store/index.ts";
import { loadConfig } from "../../core/config.ts";
import { createApp } from "../app.ts";
import { makeDeps } from "../deps.ts";
import { listAudit } from "../../store/audit.ts";
import { syncConfigAllowlist } from "../../store/allowlist.ts";
import { addNotifier } from "../../store/notifiers.ts";
import { HOSTILE_ARGV, HOSTILE_FILE, HOSTILE_SNI, PKG, seed, type Seeded } from "../../../tests/ui/seed.ts";

let db: Store;
let app: ReturnType<typeof createApp>;
let s: Seeded;

function appWith(yaml: string, extra: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "fangs-ui-"));
  writeFileSync(join(dir, "o.yaml"), yaml);
  return createApp(makeDeps(db, loadConfig({ config: join(dir, "o.yaml"), "ingest-rate-limit": 0, ...extra }, {})));
}

beforeAll(async () => {
  db = await openMigrated(":memory:");
  app = appWith("allowlist: []\n");
  await addNotifier(db, { name: "soc-slack", url: "https://hooks.slack.example/services/T000/B000/SECRETPART", template: "slack", minSeverity: "high" }, "test");
  await syncConfigAllowlist(db, [{ kind: "cidr", value: "198.51.100.0/24", note: "from config" }]); // what fangs serve does at start
  s = await seed(async (method, path, body, headers = {}) => {
    const r = await app.request(path, { method, headers: { ...(body !== undefined && { "content-type": "application/json" }), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, json: await r.json().catch(() => null) };
  });
});
afterAll(async () => db.destroy());

const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });
const form = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  app.request(path, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "hx-request": "true", origin: "http://localhost", ...headers }, body: new URLSearchParams(fields).toString() });

const PAYLOADS = [HOSTILE_FILE, HOSTILE_SNI, HOSTILE_ARGV, "<script>", "<img src=x"];

interface Case { name: string; path: () => string; status: number; has?: string[]; hasNot?: string[] }
const cases: Case[] = [
  { name: "overview", path: () => "/ui/", status: 200, has: ["Packages watched", "ever tracked", "Runs", "on baseline", "Open deviations", "packages affected", "Events dropped", "ui-runner", "Recent runs", "Recent deviations"] },
  { name: "/ui redirects to /ui/", path: () => "/ui", status: 301 },
  { name: "pending lists the hostile run", path: () => "/ui/pending", status: 200, has: [`fangs baseline promote ${"x".repeat(0)}`, PKG, "critical"] },
  { name: "pending filter by package", path: () => "/ui/pending?package=other-pkg", status: 200, has: ["Nothing pending"] },
  { name: "pending filter: bad severity", path: () => "/ui/pending?min_severity=severe", status: 404, has: ["severity severe not found"] },
  { name: "run page", path: () => `/ui/runs/${s.badRun}`, status: 200, has: ["Deviations", "→ evidence", "→ lineage", "fs_new_path_read"], hasNot: PAYLOADS },
  { name: "run page: OOM meaning + dropped", path: () => `/ui/runs/${s.oomRun}`, status: 200, has: ["OOM kill", "container exit_code=137"] },
  { name: "run: bad id", path: () => "/ui/runs/zzz", status: 404, has: ["run zzz not found"] },
  { name: "run: unknown id", path: () => "/ui/runs/0123456789abcdef", status: 404, has: ["run 0123456789abcdef not found"] },
  { name: "run: hostile id not echoed raw", path: () => `/ui/runs/${encodeURIComponent("<script>alert(1)</script>")}`, status: 404, hasNot: ["<script>"] },
  { name: "events page 1 has load more", path: () => `/ui/runs/${s.badRun}/events`, status: 200, has: ["load more", "/events/more?after="], hasNot: PAYLOADS },
  { name: "events by kind", path: () => `/ui/runs/${s.badRun}/events?kind=tls`, status: 200, has: ["SNI &quot;&gt;&lt;img src=x onerror=alert(2)&gt;.example"], hasNot: ["load more", ...PAYLOADS] },
  { name: "events more fragment", path: () => `/ui/runs/${s.badRun}/events/more?after=99`, status: 200, has: ["&lt;script&gt;alert(1)&lt;/script&gt;"], hasNot: ["<html", ...PAYLOADS] },
  { name: "packages", path: () => "/ui/packages", status: 200, has: [PKG] },
  { name: "package page", path: () => `/ui/packages/${PKG}`, status: 200, has: ["Runs", "Releases", "Baseline fingerprints", "1.0.1"] },
  { name: "package: unknown", path: () => "/ui/packages/never-seen", status: 404, has: ["package never-seen not found"] },
  { name: "package: scoped name, encoded", path: () => `/ui/packages/${encodeURIComponent("@scope/never")}`, status: 404, has: ["package @scope/never not found"] },
  { name: "package: hostile name not echoed raw", path: () => `/ui/packages/${encodeURIComponent("<script>x")}`, status: 404, hasNot: ["<script>"] },
  { name: "allowlist shows config entries read-only", path: () => "/ui/allowlist", status: 200, has: ["198.51.100.0/24", "read-only"] },
  { name: "notifiers: listed, webhook secret redacted", path: () => "/ui/notifiers", status: 200, has: ["soc-slack", "https://hooks.slack.example/…", "high"], hasNot: ["SECRETPART"] },
  { name: "audit", path: () => "/ui/audit", status: 200, has: ["Audit log", "allow.add"] },
  { name: "audit filtered to one run", path: () => `/ui/audit?target_kind=run&target_id=${s.badRun}`, status: 200, has: ["run.finish", "run.claim"], hasNot: ["allow.add", "baseline.seed"] },
  { name: "audit: unknown kind", path: () => "/ui/audit?target_kind=%3Cb%3E", status: 404, has: ["audit target kind &lt;b&gt; not found"] },
  { name: "login page is open", path: () => "/ui/login", status: 200, has: ["Operator token"] },
  { name: "unknown page", path: () => "/ui/nope", status: 404, has: ["no such page"] },
  { name: "unknown static asset", path: () => "/ui/static/evil.js", status: 404 },
];

describe("pages", () => {
  test.each(cases)("$name", async (c) => {
    const r = await get(c.path());
    expect(r.status).toBe(c.status);
    const body = await r.text();
    for (const h of c.has ?? []) expect(body).toContain(h);
    for (const h of c.hasNot ?? []) expect(body).not.toContain(h);
    expect(r.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(r.headers.get("x-frame-options")).toBe("DENY");
  });

  test("pages reference hashed static assets that are served with a long cache", async () => {
    const html = await (await get("/ui/")).text();
    const urls = [...html.matchAll(/(?:href|src)="(\/ui\/static\/[^"]+)"/g)].map((m) => m[1]);
    expect(urls).toHaveLength(4);
    for (const u of urls) {
      const r = await get(u);
      expect(r.status).toBe(200);
      expect(r.headers.get("cache-control")).toContain("immutable");
      expect((await r.text()).length).toBeGreaterThan(100);
    }
    expect(html).not.toMatch(/<script>|<style|style="/);
  });

  test("run page follows a live run: polls while queued, asks for a reload once done", async () => {
    const sub = (await (await app.request("/v1/scans", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ package: PKG, version: "9.9.9" }) })).json()) as { run_id: string };
    const page = await (await get(`/ui/runs/${sub.run_id}`)).text();
    expect(page).toContain(`hx-get="/ui/runs/${sub.run_id}/live" hx-trigger="every 3s"`);
    const live = await get(`/ui/runs/${sub.run_id}/live`, { "hx-request": "true" });
    expect(live.headers.get("hx-refresh")).toBeNull();
    expect(await live.text()).toContain("This run is queued");
    const done = await get(`/ui/runs/${s.badRun}/live`, { "hx-request": "true" });
    expect(done.headers.get("hx-refresh")).toBe("true");
    expect(await (await get(`/ui/runs/${s.badRun}`)).text()).not.toContain("hx-trigger");
  });

  test("evidence fragment is the full event JSON, escaped", async () => {
    const devs = (await (await get(`/v1/runs/${s.badRun}/deviations`)).json()) as { deviations: Array<{ id: string; value: string; category: string }> };
    const hostile = devs.deviations.find((d) => d.value.includes("<script>"))!;
    expect(hostile).toBeDefined();
    const r = await get(`/ui/deviations/${hostile.id}/evidence`, { "hx-request": "true" });
    expect(r.status).toBe(200);
    const body = await r.text();
    expect(body).toContain("&quot;path&quot;: &quot;/tmp/&lt;script&gt;alert(1)&lt;/script&gt;.js&quot;");
    expect(body).not.toContain("<script>");
    const l = await (await get(`/ui/deviations/${hostile.id}/lineage`)).text();
    expect(l).toContain(`data-run="${s.badRun}"`);
    expect((await get("/ui/deviations/xyz/evidence")).status).toBe(404);
  });
});

describe("mutations", () => {
  test("promote: confirm step, then the same row re-rendered as promoted, with an audit row", async () => {
    const confirm = await (await get(`/ui/pending/${s.badRun}/confirm`, { "hx-request": "true" })).text();
    expect(confirm).toContain("Yes, promote");
    expect(confirm).toContain(`id="pending-${s.badRun}"`);
    const r = await form(`/ui/pending/${s.badRun}/promote`, {});
    expect(r.status).toBe(200);
    const row = await r.text();
    expect(row).toStartWith(`<tr id="pending-${s.badRun}"`);
    expect(row).toContain("promoted:");
    const again = await form(`/ui/pending/${s.badRun}/promote`, {});
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("already part of the ui-demo baseline");
    const audit = await listAudit(db, { targetKind: "baseline", targetId: s.badRun });
    expect(audit[0]).toMatchObject({ action: "baseline.promote", actor: "ui:local@local" });
    expect(await (await get("/ui/pending")).text()).toContain("Nothing pending");
  });

  test("allowlist add (form-encoded), duplicate refused, bad value refused, remove, config entry refused", async () => {
    const add = await form("/ui/allowlist", { kind: "sni", value: "telemetry.example", package: "", note: "<b>noisy</b>" });
    expect(add.status).toBe(200);
    const section = await add.text();
    expect(section).toContain("telemetry.example");
    expect(section).toContain("&lt;b&gt;noisy&lt;/b&gt;");
    const dup = await form("/ui/allowlist", { kind: "sni", value: "telemetry.example" });
    expect(dup.status).toBe(422);
    expect(await dup.text()).toContain("already allowlisted");
    const bad = await form("/ui/allowlist", { kind: "cidr", value: "<script>" });
    expect(bad.status).toBe(422);
    expect(await bad.text()).not.toContain("<script>");
    const kind = await form("/ui/allowlist", { kind: "evil", value: "x" });
    expect(kind.status).toBe(422);
    const id = /id="allow-([a-z0-9]+)" class="allow-row"><td class="mono">[a-z0-9]+<\/td><td class="mono">sni<\/td><td class="mono">telemetry\.example</.exec(section)?.[1];
    expect(id).toBeDefined();
    const rm = await form(`/ui/allowlist/${id}/remove`, {});
    expect(rm.status).toBe(200);
    expect(await rm.text()).toContain("removed");
    const cfgId = /allow-(cfg[a-z0-9]+)/.exec(section)![1];
    const ro = await form(`/ui/allowlist/${cfgId}/remove`, {});
    expect(ro.status).toBe(409);
    expect(await ro.text()).toContain("comes from the config file");
    const actions = (await listAudit(db, { targetKind: "allowlist" })).map((a) => `${a.action} ${a.actor}`);
    expect(actions).toContain("allow.remove ui:local@local");
    expect(actions).toContain("allow.add ui:local@local");
  });

  test.each([
    ["a foreign page's form post (no token configured)", { origin: "http://evil.example" }],
    ["a form post without Origin or Referer", { origin: "" }],
    ["a DNS-rebound Host name", { host: "evil.example:8443", origin: "http://evil.example:8443" }],
  ])("refused: %s", async (_name, headers) => {
    const h: Record<string, string> = Object.fromEntries(Object.entries(headers).filter(([, v]) => v));
    const r = await app.request("/ui/allowlist", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...h }, body: "kind=sni&value=csrf.example" });
    expect(r.status).toBe(403);
    expect(await (await get("/ui/allowlist")).text()).not.toContain("csrf.example");
  });

  test("a rebound Host is refused for reads too", async () => {
    expect((await get("/ui/pending", { host: "evil.example" })).status).toBe(403);
    expect((await get("/ui/pending", { host: "127.0.0.1:8443" })).status).toBe(200);
    expect((await get("/ui/pending", { host: "[::1]:8443" })).status).toBe(200);
  });

  test("form bodies are refused outside /ui/; JSON is still required there", async () => {
    const r = await app.request("/v1/scans", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "package=x&version=1" });
    expect(r.status).toBe(415);
  });
});

describe("operator token", () => {
  test("no cookie → redirect to login; login sets the cookie; cross-origin mutation refused", async () => {
    const locked = appWith("allowlist: []\n", { "operator-token": "s3cret-token-value" });
    const r = await locked.request("/ui/pending");
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/ui/login?next=%2Fui%2Fpending");
    const hx = await locked.request("/ui/pending/0123456789abcdef/promote", { method: "POST", headers: { "hx-request": "true", "hx-current-url": "http://localhost/ui/pending?package=x", origin: "http://localhost" } });
    expect(hx.status).toBe(401);
    expect(hx.headers.get("hx-redirect")).toBe("/ui/login?next=%2Fui%2Fpending");
    const css = /href="(\/ui\/static\/[^"]+\.css)"/.exec(await (await locked.request("/ui/login")).text())![1];
    expect((await locked.request(css)).status).toBe(200);
    const wrong = await locked.request("/ui/login", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://localhost" }, body: "token=nope&next=%2Fui%2Fpending" });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain("Wrong operator token");
    const good = await locked.request("/ui/login", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://localhost" }, body: "token=s3cret-token-value&next=https%3A%2F%2Fevil.example%2F" });
    expect(good.status).toBe(303);
    expect(good.headers.get("location")).toBe("/ui/");
    const cookie = good.headers.get("set-cookie")!.split(";")[0];
    expect(good.headers.get("set-cookie")).toContain("HttpOnly");
    expect((await locked.request("/ui/pending", { headers: { cookie } })).status).toBe(200);
    const csrf = await locked.request("/ui/allowlist", { method: "POST", headers: { cookie, origin: "http://evil.example", "content-type": "application/x-www-form-urlencoded" }, body: "kind=sni&value=a.example" });
    expect(csrf.status).toBe(403);
    const same = await locked.request("http://localhost/ui/allowlist", { method: "POST", headers: { cookie, origin: "http://localhost", "content-type": "application/x-www-form-urlencoded" }, body: "kind=sni&value=b.example" });
    expect(same.status).toBe(200);
  });
});
