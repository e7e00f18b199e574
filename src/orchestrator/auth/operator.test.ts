import { expect, test } from "bun:test";
import { Hono } from "hono";
import { operatorAuth, setOperatorCookie } from "./operator.ts";

const TOKEN = "operator-token-0123456789";
function app() {
  const a = new Hono();
  a.use("*", operatorAuth({ token: TOKEN }));
  a.get("/v1/runs", (c) => c.json([]));
  a.post("/v1/scans", (c) => c.json({ ok: true }, 201));
  return a;
}
const cookie = `fangs_operator=${TOKEN}`;

test.each([
  ["GET, bearer", "GET", { authorization: `Bearer ${TOKEN}` }, 200],
  ["GET, cookie", "GET", { cookie }, 200],
  ["GET, wrong cookie", "GET", { cookie: "fangs_operator=nope" }, 401],
  ["POST, bearer, no Origin", "POST", { authorization: `Bearer ${TOKEN}` }, 201],
  ["POST, cookie, same Origin", "POST", { cookie, origin: "http://localhost" }, 201],
  ["POST, cookie, same-origin Referer", "POST", { cookie, referer: "http://localhost/ui/pending" }, 201],
  ["POST, cookie, no Origin (CSRF)", "POST", { cookie }, 403],
  ["POST, cookie, foreign Origin (CSRF)", "POST", { cookie, origin: "https://evil.example" }, 403],
  ["POST, cookie, Origin null (sandboxed frame)", "POST", { cookie, origin: "null" }, 403],
  ["POST, cookie, lookalike host", "POST", { cookie, origin: "http://localhost.evil.example" }, 403],
] as const)("%s → %d", async (_n, method, headers, status) => {
  const res = await app().request(method === "GET" ? "http://localhost/v1/runs" : "http://localhost/v1/scans", { method, headers });
  expect(res.status).toBe(status);
});

test("the login cookie is HttpOnly, SameSite=Strict, Secure under TLS", async () => {
  const a = new Hono();
  a.post("/login", (c) => { setOperatorCookie(c, TOKEN, true); return c.body(null, 204); });
  const set = (await a.request("/login", { method: "POST" })).headers.get("set-cookie")!;
  expect(set).toContain(`fangs_operator=${TOKEN}`);
  for (const attr of ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"]) expect(set).toContain(attr);
});

test.each([
  ["no token, loopback peer", {}, "127.0.0.1", 200],
  ["no token, IPv6 loopback peer", {}, "::1", 200],
  ["no token, remote peer", {}, "192.0.2.1", 403],
  ["no token, remote peer, -insecure-listen", { insecure: true }, "192.0.2.1", 200],
] as const)("%s → %d", async (_n, opts, address, status) => {
  const a = new Hono();
  a.use("*", operatorAuth(opts));
  a.get("/v1/runs", (c) => c.json([]));
  // Bun.serve hands the server as env; requestIP() is how the peer address is read.
  const env = { requestIP: () => ({ address }) };
  expect((await a.request("/v1/runs", {}, env)).status).toBe(status);
});
