// /ui/pending in pages of 100 with a "load more" row, in-process: every
// pending run appears exactly once and in queue order across pages, filters
// carry over, promoting between two pages skips nothing, a forged position is
// refused. Seeded straight into SQLite (250 runs through the API would only
// test the differ again).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openMigrated, type Store } from "../../store/index.ts";
import { loadConfig } from "../../core/config.ts";
import { listPending } from "../../store/pending.ts";
import { SEVERITIES } from "../../differ/severity.ts";
import { createApp } from "../app.ts";
import { makeDeps } from "../deps.ts";

const RUNS = 250;
let db: Store;
let app: ReturnType<typeof createApp>;
const hex = (n: number) => n.toString(16).padStart(16, "0");

beforeAll(async () => {
  db = await openMigrated(":memory:");
  const dir = mkdtempSync(join(tmpdir(), "fangs-ui-paging-"));
  writeFileSync(join(dir, "o.yaml"), "allowlist: []\n");
  app = createApp(makeDeps(db, loadConfig({ config: join(dir, "o.yaml") }, {})));
  const now = 1_700_000_000_000;
  for (let i = 0; i < RUNS; i++) {
    // few distinct times and severities: most of the order comes from the run-id tie-break
    const id = hex(0xc0ffee0000 + ((i * 37) % RUNS));
    const sev = SEVERITIES[i % SEVERITIES.length];
    const pkg = i % 10 < 8 ? "pkg-1" : "pkg-2"; // 200 and 50 runs
    await db.insertInto("runs").values({ id, package: pkg, version: `1.0.${i}`, status: "finished", spec: "{}", created_at: now, finished_at: now, verdict: "deviations", deviation_count: 1, max_severity: sev }).execute();
    await db.insertInto("deviations").values({ id: hex(0xde0000 + i), run_id: id, package: pkg, category: "net_new_destination", actor: "script:x:curl", value: "203.0.113.7:443", severity: sev, severity_rank: SEVERITIES.indexOf(sev), reason: "new destination", evidence_seq: 0, detected_at: now - (i % 4) * 1000 }).execute();
  }
});
afterAll(async () => db.destroy());

const rowIds = (html: string) => [...html.matchAll(/<tr id="pending-([0-9a-f]{16})"/g)].map((m) => m[1]);
const moreHref = (html: string) => /<tr class="more" id="pending-more">.*?hx-get="([^"]+)"/s.exec(html)?.[1].replaceAll("&amp;", "&");

/** Load the page, then follow "load more" to the end, like the browser does. */
async function walk(first: string): Promise<{ pages: string[][]; hrefs: string[] }> {
  const res = await app.request(first);
  expect(res.status).toBe(200);
  let html = await res.text();
  const pages = [rowIds(html)];
  const hrefs: string[] = [];
  for (let href = moreHref(html); href; href = moreHref(html)) {
    hrefs.push(href);
    const r = await app.request(href, { headers: { "hx-request": "true" } });
    expect(r.status).toBe(200);
    html = await r.text();
    expect(html).not.toContain("<html");
    pages.push(rowIds(html));
  }
  return { pages, hrefs };
}

test.each([
  ["the whole queue (3 pages)", "/ui/pending", {}],
  ["one package, exactly 2 full pages", "/ui/pending?package=pkg-1", { package: "pkg-1" }],
  ["one package, low and worse", "/ui/pending?package=pkg-1&min_severity=low", { package: "pkg-1", minSeverity: "low" }],
  ["a package with one page", "/ui/pending?package=pkg-2", { package: "pkg-2" }],
] as const)("%s: pages of 100, each run once, in queue order, filters kept", async (_n, url, filter) => {
  const want = (await listPending(db, filter)).map((r) => r.run_id);
  const { pages, hrefs } = await walk(url);
  expect(pages.flat()).toEqual(want);
  expect(want.length).toBeGreaterThan(0);
  expect(pages.map((p) => p.length)).toEqual(Array.from({ length: Math.ceil(want.length / 100) }, (_, i) => Math.min(100, want.length - i * 100)));
  for (const h of hrefs) {
    expect(h.startsWith("/ui/pending/more?")).toBe(true);
    const q = new URL(h, "http://localhost").searchParams;
    expect(q.get("package") ?? undefined).toBe("package" in filter ? filter.package : undefined);
    expect(q.get("min_severity") ?? undefined).toBe("minSeverity" in filter ? filter.minSeverity : undefined);
  }
});

test("the header counts the whole queue; the load-more row says how many remain", async () => {
  const html = await (await app.request("/ui/pending")).text();
  expect(html).toContain(`Pending <span class="muted">(${RUNS})</span>`);
  expect(html).toContain(`load more (${RUNS - 100} more)`);
  // without JavaScript the link opens the next page as a full page
  const href = /id="pending-more">.*?href="([^"]+)"/s.exec(html)![1].replaceAll("&amp;", "&");
  const next = await (await app.request(href)).text();
  expect(next).toContain("<html");
  expect(rowIds(next)).toEqual((await listPending(db)).slice(100, 200).map((r) => r.run_id));
});

test("promoting rows between two pages skips none of the rest", async () => {
  const before = (await listPending(db)).map((r) => r.run_id);
  const first = await (await app.request("/ui/pending")).text();
  const href = moreHref(first)!;
  // the operator promotes (clears) three rows of the first page and two of the second before loading more
  const gone = [before[5], before[50], before[99], before[100], before[150]];
  await db.updateTable("deviations").set({ cleared: 1 }).where("run_id", "in", gone).execute();
  await app.request("/v1/scans", { method: "POST" }); // any write request invalidates the read memo, as a promote does
  const more = await (await app.request(href, { headers: { "hx-request": "true" } })).text();
  expect(rowIds(more)).toEqual(before.slice(100, 200).filter((id) => !gone.includes(id)).concat(before.slice(200, 202)));
  await db.updateTable("deviations").set({ cleared: 0 }).where("run_id", "in", gone).execute();
});

test.each([
  "bogus", "critical.1.zz", "extreme.1.0123456789abcdef", "high.x.0123456789abcdef", "high.1.", `high.1.${"a".repeat(65)}`, "high.1.<script>",
])("a forged position %p is refused with 400", async (after) => {
  const res = await app.request(`/ui/pending/more?after=${encodeURIComponent(after)}`, { headers: { "hx-request": "true" } });
  expect(res.status).toBe(400);
  expect(await res.text()).not.toContain("<script>");
});
