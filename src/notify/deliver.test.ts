// Delivery and dispatch against a real loopback HTTP receiver and an
// in-memory database: retries, Retry-After, give-up, no redirects, signing,
// thresholds, disabled targets. Sleeps are recorded instead of waited.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { openMigrated, type Store } from "../store/index.ts";
import { addNotifier, listDeliveries, setNotifierEnabled, type Notifier } from "../store/notifiers.ts";
import { enqueueScan } from "../store/runs.ts";
import { deliver, parseRetryAfter, type Target } from "./deliver.ts";
import { meetsThreshold, notifyRun } from "./dispatch.ts";
import { verify } from "./sign.ts";

type Reply = { status: number; headers?: Record<string, string> };
let db: Store;
let script: Reply[] = [];
let received: Array<{ path: string; body: string; headers: Headers }> = [];
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    received.push({ path: new URL(req.url).pathname, body: await req.text(), headers: req.headers });
    const r = script.shift() ?? { status: 200 };
    return new Response("ok", { status: r.status, headers: r.headers });
  },
});
const url = (p: string) => `http://127.0.0.1:${server.port}${p}`;
let waits: number[] = [];
const opts = (o: object = {}) => ({ runId: null, sleep: async (ms: number) => void waits.push(ms), backoffMs: 100, ...o });

beforeAll(async () => {
  db = await openMigrated(":memory:");
});
afterAll(async () => {
  server.stop(true);
  await db.destroy();
});
beforeEach(() => {
  script = [];
  received = [];
  waits = [];
});

let n = 0;
async function target(over: Partial<Parameters<typeof addNotifier>[1]> = {}): Promise<Notifier> {
  n++;
  return addNotifier(db, { name: `t${n}`, url: url(`/t${n}`), template: "generic", ...over }, "test");
}

describe("deliver", () => {
  const cases: Array<{ name: string; replies: Reply[]; outcome: string; attempts: number; waits: number[]; last: number | null }> = [
    { name: "200 at once", replies: [{ status: 200 }], outcome: "delivered", attempts: 1, waits: [], last: 200 },
    { name: "500, 500, 200 → delivered on the 3rd with backoff", replies: [{ status: 500 }, { status: 503 }, { status: 204 }], outcome: "delivered", attempts: 3, waits: [100, 200], last: 204 },
    { name: "429 with Retry-After seconds is honoured", replies: [{ status: 429, headers: { "retry-after": "2" } }, { status: 200 }], outcome: "delivered", attempts: 2, waits: [2000], last: 200 },
    { name: "a huge Retry-After is capped", replies: [{ status: 429, headers: { "retry-after": "86400" } }, { status: 200 }], outcome: "delivered", attempts: 2, waits: [30000], last: 200 },
    { name: "500 three times → failed, bounded", replies: [{ status: 500 }, { status: 500 }, { status: 500 }, { status: 200 }], outcome: "failed", attempts: 3, waits: [100, 200], last: 500 },
    { name: "400 is not retried", replies: [{ status: 400 }], outcome: "failed", attempts: 1, waits: [], last: 400 },
    { name: "a redirect is not followed", replies: [{ status: 302, headers: { location: "http://192.0.2.1/x" } }], outcome: "failed", attempts: 1, waits: [], last: 302 },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      script = [...c.replies];
      const t = await target();
      const r = await deliver(db, t as Target, '{"x":1}', opts());
      expect(r).toMatchObject({ outcome: c.outcome, attempts: c.attempts, http_status: c.last });
      expect(waits).toEqual(c.waits);
      expect(received).toHaveLength(c.attempts);
      const rows = await listDeliveries(db, { notifierId: t.id });
      expect(rows.map((x) => x.attempt)).toEqual(Array.from({ length: c.attempts }, (_, i) => i + 1));
      expect(rows.at(-1)!.outcome).toBe(c.outcome as never);
      expect(rows.slice(0, -1).every((x) => x.outcome === "failed" && x.error!.includes("retrying"))).toBe(true);
    });
  }

  test("a network error is retried, then recorded as failed", async () => {
    const dead = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
    const port = dead.port;
    dead.stop(true);
    const t = await target({ url: `http://127.0.0.1:${port}/gone` });
    const r = await deliver(db, t as Target, "{}", opts());
    expect(r.outcome).toBe("failed");
    expect(r.attempts).toBe(3);
    expect(r.http_status).toBeNull();
    expect(r.error).toContain("gave up after 3 attempts");
  });

  test("a slow receiver times out", async () => {
    const slow = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: async () => (await Bun.sleep(2000), new Response("late")) });
    try {
      const t = await target({ url: `http://127.0.0.1:${slow.port}/slow` });
      const r = await deliver(db, t as Target, "{}", opts({ timeoutMs: 100, maxAttempts: 1 }));
      expect(r.outcome).toBe("failed");
      expect(r.error).toContain("no answer within 100 ms");
    } finally {
      slow.stop(true);
    }
  });

  test("generic with -secret-env: signed over the exact body; custom headers sent", async () => {
    const t = await target({ secretEnv: "FANGS_TEST_HMAC", headers: '{"X-Team":"soc"}' });
    const r = await deliver(db, t as Target, '{"signed":true}', opts({ env: (k: string) => (k === "FANGS_TEST_HMAC" ? "k3y" : undefined) }));
    expect(r.outcome).toBe("delivered");
    const got = received[0];
    expect(got.body).toBe('{"signed":true}');
    expect(verify("k3y", got.body, got.headers.get("x-fangs-signature"))).toBe(true);
    expect(got.headers.get("x-team")).toBe("soc");
    expect(got.headers.get("content-type")).toBe("application/json");
  });

  test("missing secret: nothing is sent unsigned, the attempt says why", async () => {
    const t = await target({ secretEnv: "FANGS_TEST_UNSET" });
    const r = await deliver(db, t as Target, "{}", opts({ env: () => undefined }));
    expect(r).toMatchObject({ outcome: "failed", attempts: 1 });
    expect(r.error).toContain("FANGS_TEST_UNSET");
    expect(received).toHaveLength(0);
  });

  test("a target edited in the database to break the policy is not sent to", async () => {
    const t = await target();
    for (const [col, value, want] of [["url", "http://192.0.2.1/x", "only allowed to loopback"], ["headers", '{"Host":"evil.example"}', "cannot be overridden"]] as const) {
      const edited = { ...t, [col]: value } as Target;
      const r = await deliver(db, edited, "{}", opts());
      expect(r).toMatchObject({ outcome: "failed", attempts: 1, http_status: null });
      expect(r.error).toContain(want);
    }
    expect(received).toHaveLength(0);
  });

  test("slack and discord are never signed", async () => {
    for (const template of ["slack", "discord"]) {
      const t = await target({ template });
      await deliver(db, t as Target, "{}", opts({ env: () => "x" }));
    }
    expect(received.map((r) => r.headers.get("x-fangs-signature"))).toEqual([null, null]);
  });

  test.each([
    ["5", 5000],
    ["0", 0],
    [null, undefined],
    ["soon", undefined],
    ["Sun, 22 Nov 2026 08:00:03 GMT", 3000],
    ["Sun, 22 Nov 2026 07:59:00 GMT", 0], // in the past: retry now
  ] as const)("Retry-After %p", (v, want) => {
    const now = Date.parse("Sun, 22 Nov 2026 08:00:00 GMT");
    expect(parseRetryAfter(v, now)).toBe(want);
  });
});

describe("dispatch", () => {
  test.each([
    [null, "info", true],
    [null, null, true],
    ["high", "critical", true],
    ["high", "high", true],
    ["high", "medium", false],
    ["low", null, false],
  ] as const)("min %p, run max %p → fires %p", (min, max, want) => {
    expect(meetsThreshold({ min_severity: min }, max)).toBe(want);
  });

  test("one message per enabled target meeting its threshold; disabled gets nothing; skipped is recorded", async () => {
    await db.deleteFrom("notifiers").execute();
    const run = await enqueueScan(db, { package: "disp-pkg", version: "2.0.0", source: "manual", actor: "test" });
    await db.updateTable("runs").set({ status: "finished", verdict: "deviations", deviation_count: 1, max_severity: "medium" }).where("id", "=", run.id).execute();
    await db.insertInto("deviations").values({ id: "d1", run_id: run.id, package: "disp-pkg", category: "net_new_destination", actor: "exe:/usr/bin/curl", value: "203.0.113.7:443", severity: "medium", severity_rank: 2, reason: "r", evidence_seq: 0, detected_at: Date.now(), cleared_at: null, cleared_by: null }).execute();
    const all = await target({ name: "d-all", url: url("/all") });
    const high = await target({ name: "d-high", url: url("/high"), minSeverity: "high" });
    const off = await target({ name: "d-off", url: url("/off") });
    await setNotifierEnabled(db, off.name, false, "test");
    const fresh = (await db.selectFrom("runs").selectAll().where("id", "=", run.id).executeTakeFirstOrThrow()) as never;
    const res = await notifyRun(db, fresh, { baseUrl: "http://127.0.0.1:1", sleep: async () => {} });
    expect(res.map((r) => [r.notifier, r.result.outcome]).sort()).toEqual([["d-all", "delivered"], ["d-high", "skipped"]]);
    expect(received.map((r) => r.path)).toEqual(["/all"]);
    const body = JSON.parse(received[0].body);
    expect(body).toMatchObject({ type: "fangs.run.deviations", run_id: run.id, package: "disp-pkg", deviation_count: 1, max_severity: "medium" });
    expect(body.deviations).toEqual([{ category: "net_new_destination", actor: "exe:/usr/bin/curl", value: "203.0.113.7:443", severity: "medium" }]);
    expect(body.urls.ui).toBe(`http://127.0.0.1:1/ui/runs/${run.id}`);
    expect(BigInt(body.time_unix_nano)).toBeGreaterThan(BigInt(Date.now() - 60_000) * 1_000_000n);
    const hist = await listDeliveries(db, { runId: run.id });
    expect(hist.map((h) => [h.notifier_name, h.outcome])).toEqual(expect.arrayContaining([["d-all", "delivered"], ["d-high", "skipped"]]));
    expect(hist.find((h) => h.notifier_id === high.id)!.error).toContain("below -min-severity high");
    expect(hist.some((h) => h.notifier_id === off.id || h.notifier_id === all.id && h.outcome !== "delivered")).toBe(false);
  });
});
