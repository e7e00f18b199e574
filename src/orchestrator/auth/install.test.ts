import { expect, test } from "bun:test";
import { Hono } from "hono";
import { installTrust, routeClass } from "./install.ts";

test.each([
  ["POST", "/v1/runners/register", "runner"],
  ["POST", "/v1/runners/scan-01/heartbeat", "runner"],
  ["POST", "/v1/runners/scan-01/claim", "runner"],
  ["DELETE", "/v1/runners/scan-01", "runner"],
  ["POST", "/v1/runs/0123456789abcdef/events", "runner"],
  ["POST", "/v1/runs/0123456789abcdef/finish", "runner"],
  ["POST", "/v1/runs/0123456789abcdef/manifest", "runner"],
  ["POST", "/v1/runs/0123456789abcdef/control", "operator"],
  ["GET", "/v1/runs/0123456789abcdef/diff", "operator"],
  ["GET", "/v1/runs/0123456789abcdef/events", "operator"],
  ["GET", "/v1/runners", "operator"],
  ["POST", "/v1/scans", "operator"],
  ["GET", "/v1/audit", "operator"],
  ["GET", "/metrics", "operator"],
  ["GET", "/ui/pending", "operator"],
  ["GET", "/healthz", "open"],
  ["POST", "/v1/session", "open"],
  ["DELETE", "/v1/session", "operator"],
  ["POST", "/healthz", "operator"],
  ["POST", "/v1/runners/register/x", "operator"],
] as const)("routeClass(%s %s) = %s", (m, p, want) => {
  expect(routeClass(m, p)).toBe(want);
});

function app(cfg: Parameters<typeof installTrust>[1]) {
  const a = new Hono();
  installTrust(a, cfg, { ingestRate: { ratePerSec: 1, burst: 2 } });
  a.get("/healthz", (c) => c.json({ ok: true }));
  a.post("/v1/scans", async (c) => c.json({ got: (await c.req.text()).length }));
  a.post("/v1/runs/:run/events", async (c) => c.json({ runner: c.get("runnerId"), got: (await c.req.text()).length }));
  return a;
}

const op = { Authorization: "Bearer op" };
const rn = { Authorization: "Bearer rt", "X-Fangs-Runner": "scan-01" };
test.each([
  ["healthz needs nothing", "GET", "/healthz", {}, undefined, 200],
  ["operator route without token", "POST", "/v1/scans", {}, "{}", 401],
  ["operator route with the runner token", "POST", "/v1/scans", rn, "{}", 401],
  ["operator route with token", "POST", "/v1/scans", op, "{}", 200],
  ["operator body over 64 KiB", "POST", "/v1/scans", op, "x".repeat(65 * 1024), 413],
  ["runner route with the operator token", "POST", "/v1/runs/0123456789abcdef/events", { ...op, "X-Fangs-Runner": "scan-01" }, "{}", 401],
  ["runner route with runner token", "POST", "/v1/runs/0123456789abcdef/events", rn, "{}", 200],
  ["event batch of 1 MiB is fine", "POST", "/v1/runs/0123456789abcdef/events", rn, JSON.stringify({ pad: "x".repeat(1 << 20) }), 200],
  ["non-JSON content type", "POST", "/v1/scans", { ...op, "content-type": "text/plain" }, "{}", 415],
  ["JSON with charset is fine", "POST", "/v1/scans", { ...op, "content-type": "application/json; charset=utf-8" }, "{}", 200],
  ["event batch over 16 MiB", "POST", "/v1/runs/0123456789abcdef/events", rn, "x".repeat(17 << 20), 413],
] as const)("%s", async (_n, method, path, headers, body, status) => {
  const a = app({ "operator-token": "op", "runner-token": "rt" });
  const h: Record<string, string> = { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers };
  const res = await a.request(path, { method, headers: h, body });
  expect(res.status).toBe(status);
});

test("ingest rate limit per runner: 429 with Retry-After after the burst", async () => {
  const a = app({ "runner-token": "rt" });
  const post = (r: string) => a.request("/v1/runs/0123456789abcdef/events", { method: "POST", headers: { ...rn, "X-Fangs-Runner": r, "content-type": "application/json" }, body: "{}" });
  expect((await post("scan-01")).status).toBe(200);
  expect((await post("scan-01")).status).toBe(200);
  const limited = await post("scan-01");
  expect(limited.status).toBe(429);
  expect(limited.headers.get("retry-after")).toBe("1");
  expect((await post("scan-02")).status).toBe(200);
});

test("chunked body without Content-Length is capped too", async () => {
  const a = app({ "operator-token": "op" });
  const big = new ReadableStream({
    start(ctl) {
      for (let i = 0; i < 100; i++) ctl.enqueue(new Uint8Array(1024));
      ctl.close();
    },
  });
  const res = await a.request("/v1/scans", { method: "POST", headers: { ...op, "content-type": "application/json" }, body: big, duplex: "half" } as RequestInit);
  expect(res.status).toBe(413);
});

test("ingest-rate-limit 0 disables the limit", async () => {
  const a = new Hono();
  installTrust(a, { "runner-token": "rt", "ingest-rate-limit": 0 });
  a.post("/v1/runs/:run/events", (c) => c.json({ ok: true }));
  for (let i = 0; i < 300; i++) {
    const res = await a.request("/v1/runs/0123456789abcdef/events", { method: "POST", headers: { ...rn, "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(200);
  }
});

test.each([
  ["[]", 400], ["null", 400], ["42", 400], ["\"s\"", 400], ["{", 400], ["{}", 200],
] as const)("operator body %s → %d (JSON objects only)", async (body, status) => {
  const a = app({ "operator-token": "op" });
  const res = await a.request("/v1/scans", { method: "POST", headers: { ...op, "content-type": "application/json" }, body });
  expect(res.status).toBe(status);
});

test("runner routes: credentials are checked before the body is parsed", async () => {
  const a = app({ "runner-token": "rt" });
  const res = await a.request("/v1/runs/0123456789abcdef/events", { method: "POST", headers: { "content-type": "application/json", "X-Fangs-Runner": "scan-01" }, body: "{" });
  expect(res.status).toBe(401);
});

test("security headers on every answer; HSTS only with TLS", async () => {
  const plain = await app({}).request("/healthz");
  expect(plain.headers.get("x-content-type-options")).toBe("nosniff");
  expect(plain.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  expect(plain.headers.get("strict-transport-security")).toBeNull();
  const denied = await app({ "operator-token": "op" }).request("/v1/scans", { method: "POST" });
  expect(denied.headers.get("x-content-type-options")).toBe("nosniff");
  const tls = await app({ "tls-cert": "s.crt" }).request("/healthz");
  expect(tls.headers.get("strict-transport-security")).toContain("max-age=");
});

test("UI sign-in: POST /v1/session sets the cookie that then authenticates; guessing is rate limited", async () => {
  const a = app({ "operator-token": "op-token-0123456789" });
  const signIn = (token: unknown) => a.request("http://localhost/v1/session", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token }) });
  expect((await signIn("wrong")).status).toBe(401);
  expect((await signIn(42)).status).toBe(400);
  const ok = await signIn("op-token-0123456789");
  expect(ok.status).toBe(204);
  const cookie = ok.headers.get("set-cookie")!.split(";")[0];
  expect(cookie).toBe("fangs_operator=op-token-0123456789");
  const post = (h: Record<string, string>) => a.request("http://localhost/v1/scans", { method: "POST", headers: { cookie, "content-type": "application/json", ...h }, body: "{}" });
  expect((await post({ origin: "http://localhost" })).status).toBe(200);
  expect((await post({ origin: "https://evil.example" })).status).toBe(403);
  const out = await a.request("http://localhost/v1/session", { method: "DELETE", headers: { cookie, origin: "http://localhost" } });
  expect(out.status).toBe(204);
  expect(out.headers.get("set-cookie")).toContain("Max-Age=0");
  // burst of 5 attempts per address, then 429
  const statuses = [];
  for (let i = 0; i < 6; i++) statuses.push((await signIn("guess-" + i)).status);
  expect(statuses.at(-1)).toBe(429);
});
