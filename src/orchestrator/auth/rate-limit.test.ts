import { expect, test } from "bun:test";
import { Hono } from "hono";
import { TokenBuckets, rateLimitByRunner } from "./rate-limit.ts";

test("token bucket: burst, refill, per-key, Retry-After", () => {
  let t = 0;
  const b = new TokenBuckets({ ratePerSec: 2, burst: 3, now: () => t });
  expect([1, 2, 3].map(() => b.take("a").ok)).toEqual([true, true, true]);
  const r = b.take("a");
  expect(r).toEqual({ ok: false, retryAfterS: 1 });
  expect(b.take("b").ok).toBe(true); // other runners unaffected
  t = 500; // +1 token
  expect(b.take("a").ok).toBe(true);
  expect(b.take("a").ok).toBe(false);
  t = 100_000;
  b.sweep();
  expect(b.size).toBe(0);
  expect(b.take("a", 10)).toEqual({ ok: false, retryAfterS: 4 }); // more than the burst: wait for rate
});

test("middleware answers 429 with Retry-After per runner", async () => {
  const app = new Hono();
  app.use("*", async (c, next) => { c.set("runnerId", c.req.header("x-r")); await next(); });
  app.post("/ingest", rateLimitByRunner(new TokenBuckets({ ratePerSec: 1, burst: 2 })), (c) => c.json({ ok: true }));
  const hit = (r: string) => app.request("/ingest", { method: "POST", headers: { "x-r": r } });
  expect((await hit("a")).status).toBe(200);
  expect((await hit("a")).status).toBe(200);
  const res = await hit("a");
  expect(res.status).toBe(429);
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  expect((await hit("b")).status).toBe(200);
});
