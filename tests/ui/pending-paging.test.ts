// /ui/pending with a long queue in real headless Chromium against the real
// `dist/fangs serve`: the first 100 rows, "load more" appends the next pages
// (htmx swaps the load-more row for the rows after it) until the queue ends,
// the package/min-severity filters carry over to the loaded pages, and a row
// loaded that way promotes like any other (it is the same component).
import { expect, setDefaultTimeout, test } from "bun:test";
import { fangsAsync, startServe, type Serve } from "../orchestrator/lib.ts";
import { hex, migratedBenchDb } from "../bench/seed.ts";
import { cspViolations, browserSuite, type Watched } from "./lib.ts";

setDefaultTimeout(30_000);

const A = 180; // paged-a: high or critical
const B = 40; // paged-b: low
let s: Serve;
let w: Watched;

browserSuite(async () => {
  const { dir, raw } = await migratedBenchDb("fangs-ui-paging-");
  const now = Date.now();
  raw.transaction(() => {
    const run = raw.prepare("INSERT INTO runs (id, package, version, status, spec, created_at, finished_at, exit_code, verdict, deviation_count, max_severity) VALUES (?, ?, ?, 'finished', '{}', ?, ?, 0, 'deviations', 1, ?)");
    const dev = raw.prepare("INSERT INTO deviations (id, run_id, package, category, actor, value, severity, severity_rank, reason, evidence_seq, detected_at) VALUES (?, ?, ?, 'net_new_destination', 'script:x:curl', '203.0.113.9:443', ?, ?, 'new network destination', 0, ?)");
    for (let i = 0; i < A + B; i++) {
      const id = hex(0xd000000000 + i);
      const [pkg, sev, rank] = i < A ? ["paged-a", ...(i % 2 ? (["critical", 4] as const) : (["high", 3] as const))] : ["paged-b", "low", 1];
      run.run(id, pkg, `1.0.${i}`, now - i * 1000, now - i * 1000 + 500, sev);
      dev.run(hex(0xe000000000 + i), id, pkg, sev, rank, now - i * 1000);
    }
  })();
  raw.close();
  s = await startServe({ dir });
  return s;
}, (page) => (w = page));

const url = (p: string) => s.url + p;
const rows = () => w.page.locator("#pending tbody tr.pending-row");
/** Wait until the table holds n rows (a locator, not waitForFunction: its string predicate is eval, which the UI's CSP refuses). */
async function rowsReach(n: number) {
  await rows().nth(n - 1).waitFor();
  expect(await rows().count()).toBe(n);
}
const ids = async () => (await rows().evaluateAll((trs) => trs.map((t) => (t as unknown as { id: string }).id))) as string[];

test("load more appends the next 100 rows until the queue ends, each run once, in the order fangs pending prints", async () => {
  await w.page.goto(url("/ui/pending"));
  expect(await w.page.locator("h1").textContent()).toContain(`(${A + B})`);
  expect(await rows().count()).toBe(100);
  await w.page.getByText(`load more (${A + B - 100} more)`).click();
  await rowsReach(200);
  await w.page.getByText(`load more (${A + B - 200} more)`).click();
  await rowsReach(A + B);
  expect(await w.page.locator("#pending-more").count()).toBe(0);
  const cli = JSON.parse((await fangsAsync(["pending", "--json", "-db", s.db])).stdout) as { run_id: string }[];
  expect(await ids()).toEqual(cli.map((r) => `pending-${r.run_id}`));
});

test("the filters carry over to the loaded pages", async () => {
  await w.page.goto(url("/ui/pending?package=paged-a&min_severity=high"));
  expect(await rows().count()).toBe(100);
  await w.page.getByText(`load more (${A - 100} more)`).click();
  await rowsReach(A);
  expect(await w.page.locator("#pending-more").count()).toBe(0);
  const pkgs = await w.page.locator("#pending tbody tr.pending-row td:nth-child(2)").allTextContents();
  expect(new Set(pkgs)).toEqual(new Set(["paged-a"]));
  expect(w.page.url()).toEndWith("/ui/pending?package=paged-a&min_severity=high");
});

test("a row loaded by load more promotes like the first page's rows", async () => {
  await w.page.goto(url("/ui/pending"));
  await w.page.getByText("load more").click();
  await rowsReach(200);
  const id = (await ids())[150];
  const row = w.page.locator(`#${id}`);
  await row.getByRole("button", { name: "promote" }).click();
  await w.page.locator(`#${id}.state-confirm`).waitFor();
  await w.page.locator(`#${id}`).getByRole("button", { name: "Yes, promote" }).click();
  await w.page.locator(`#${id}.state-promoted`).waitFor();
  const cli = JSON.parse((await fangsAsync(["pending", "--json", "-db", s.db])).stdout) as { run_id: string }[];
  expect(cli).toHaveLength(A + B - 1);
  expect(cli.map((r) => `pending-${r.run_id}`)).not.toContain(id);
});

test("no page error, no CSP violation", () => {
  expect(w.errors).toEqual([]);
  expect(cspViolations(w)).toEqual([]);
});
