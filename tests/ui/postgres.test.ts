// Every UI page and the promote/allowlist mutations against PostgreSQL
// (in-process app.request(), a fresh database): the same storage functions,
// the other SQL dialect. Fails loudly without FANGS_TEST_PG_URL.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openMigrated, type Store } from "../../src/store/index.ts";
import { loadConfig } from "../../src/core/config.ts";
import { createApp } from "../../src/orchestrator/app.ts";
import { makeDeps } from "../../src/orchestrator/deps.ts";
import { dropPostgres, freshPostgresUrl } from "../orchestrator/lib.ts";
import { HOSTILE_FILE, PKG, seed, type Seeded } from "./seed.ts";

setDefaultTimeout(30_000);
let url: string;
let db: Store;
let app: ReturnType<typeof createApp>;
let s: Seeded;

beforeAll(async () => {
  url = await freshPostgresUrl();
  db = await openMigrated(url);
  const dir = mkdtempSync(join(tmpdir(), "fangs-ui-pg-"));
  writeFileSync(join(dir, "o.yaml"), "allowlist: []\n");
  app = createApp(makeDeps(db, loadConfig({ config: join(dir, "o.yaml"), "ingest-rate-limit": 0 }, {})));
  s = await seed(async (method, path, body, headers = {}) => {
    const r = await app.request(path, { method, headers: { ...(body !== undefined && { "content-type": "application/json" }), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, json: await r.json().catch(() => null) };
  });
});

afterAll(async () => {
  await db?.destroy();
  if (url) await dropPostgres(url);
});

const form = (path: string, fields: Record<string, string>) =>
  app.request(path, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "hx-request": "true", origin: "http://localhost" }, body: new URLSearchParams(fields).toString() });

test.each([
  ["/ui/", "Open deviations"],
  ["/ui/pending", PKG],
  ["/ui/pending?min_severity=critical", PKG],
  [`/ui/packages/${PKG}`, "Baseline fingerprints"],
  ["/ui/packages", PKG],
  ["/ui/allowlist", "Allowlist"],
  ["/ui/notifiers", "Notifiers"],
  ["/ui/audit", "run.diff"],
])("GET %s on PostgreSQL", async (path, has) => {
  const r = await app.request(path);
  expect(r.status).toBe(200);
  expect(await r.text()).toContain(has);
});

test("run, events paging and evidence on PostgreSQL", async () => {
  expect(await (await app.request(`/ui/runs/${s.badRun}`)).text()).toContain("→ lineage");
  const more = await (await app.request(`/ui/runs/${s.badRun}/events/more?after=99`)).text();
  expect(more).toContain("&lt;script&gt;");
  expect(more).not.toContain("<script>");
  const devs = ((await (await app.request(`/v1/runs/${s.badRun}/deviations`)).json()) as { deviations: Array<{ id: string; value: string }> }).deviations;
  const ev = await (await app.request(`/ui/deviations/${devs.find((d) => d.value === HOSTILE_FILE)!.id}/evidence`)).text();
  expect(ev).toContain("&quot;kind&quot;: &quot;file&quot;");
});

test("promote and allowlist add/remove on PostgreSQL", async () => {
  const p = await form(`/ui/pending/${s.badRun}/promote`, {});
  expect(p.status).toBe(200);
  expect(await p.text()).toContain("promoted:");
  const add = await form("/ui/allowlist", { kind: "path", value: "/root/.cache/**", package: PKG });
  expect(add.status).toBe(200);
  const id = /id="allow-([0-9a-f]{16})"/.exec(await add.text())![1];
  const rm = await form(`/ui/allowlist/${id}/remove`, {});
  expect(rm.status).toBe(200);
  expect(await (await app.request("/ui/pending")).text()).toContain("Nothing pending");
});
