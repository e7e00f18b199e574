// Token auth against the compiled orchestrator (no TLS), on 127.0.0.2 — a
// loopback-range address other than 127.0.0.1 — plus the listen policy as the
// CLI applies it (the refusal happens before any socket is bound).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { fangs, tempDir } from "../lib/env.ts";
import { call, startServe, type Serve } from "./lib.ts";

let srv: Serve;
const RT = "runner-secret-7f3a";
const OP = "operator-secret-91c2";

beforeAll(async () => {
  srv = await startServe(["-runner-token", RT, "-operator-token", OP], { host: "127.0.0.2" });
});
afterAll(async () => {
  await srv?.stop();
});

test("serves on 127.0.0.2 with runner auth by token", () => {
  expect(srv.url).toStartWith("http://127.0.0.2:");
  expect(srv.stderr()).toContain("runner auth token");
});

test.each([
  ["no token", undefined, 401],
  ["wrong token", "runner-secret-7f3b", 401],
  ["a prefix of the token", "runner-secret", 401],
  ["the operator token", OP, 401],
  ["the right token", RT, 200],
] as const)("runner register with %s → %d", async (_n, token, status) => {
  const r = await call(srv.url, "POST", "/v1/runners/register", { id: "tok-runner", hostname: "h" }, { token });
  expect(r.status).toBe(status);
  if (status === 200) expect(r.json.runner_id).toBe("tok-runner");
  else expect(r.headers.get("www-authenticate")).toContain("Bearer");
});

test.each([
  ["no token", {}, 401],
  ["wrong token", { authorization: "Bearer nope" }, 401],
  ["the runner token", { authorization: `Bearer ${RT}` }, 401],
  ["right token (header)", { authorization: `Bearer ${OP}` }, 200],
  ["right token (cookie)", { cookie: `fangs_operator=${OP}` }, 200],
] as const)("operator GET /v1/runners with %s → %d", async (_n, headers, status) => {
  expect((await call(srv.url, "GET", "/v1/runners", undefined, { headers })).status).toBe(status);
});

test("a runner token holder still cannot act as another runner", async () => {
  await call(srv.url, "POST", "/v1/runners/register", { id: "tok-a", hostname: "h" }, { token: RT });
  const r = await call(srv.url, "POST", "/v1/runners/tok-a/heartbeat", {}, { token: RT, runner: "tok-b" });
  expect(r.status).toBe(403);
});

test.each([
  ["0.0.0.0 with no auth", ["-listen", "0.0.0.0:0"], /refusing to listen on non-loopback 0\.0\.0\.0:0 without runner authentication.*operator authentication/],
  ["all interfaces with only a runner token", ["-listen", ":0", "-runner-token", "x"], /without operator authentication/],
  ["a host name other than localhost", ["-listen", "orchestrator.example:0"], /refusing/],
] as const)("fangs serve refuses %s", (_n, args, msg) => {
  const dir = tempDir("fangs-listen-");
  const r = fangs(["serve", "-db", `${dir}/f.db`, ...args], { cwd: dir });
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(msg);
  expect(r.stderr).toContain("Try: ");
  expect(r.stderr).toContain("-insecure-listen");
});

test("TLS without client certificates (Bun.serve): runner token over HTTPS", async () => {
  const { makePki } = await import("./lib.ts");
  const { join } = await import("node:path");
  const dir = tempDir("fangs-tls-token-");
  const pki = makePki(join(dir, "ca"), []);
  const s = await startServe(["-tls-cert", join(pki.dir, "server.crt"), "-tls-key", join(pki.dir, "server.key"), "-runner-token", RT, "-operator-token", OP], { dir });
  try {
    expect(s.url).toStartWith("https://127.0.0.1:");
    expect(s.stderr()).toContain("runner auth token");
    const tls = { ca: pki.ca };
    expect((await call(s.url, "POST", "/v1/runners/register", { id: "tls-runner", hostname: "h" }, { tls, token: RT })).json.runner_id).toBe("tls-runner");
    expect((await call(s.url, "POST", "/v1/runners/register", { id: "tls-runner", hostname: "h" }, { tls, token: "x".repeat(20) })).status).toBe(401);
    const res = await call(s.url, "GET", "/healthz", undefined, { tls });
    expect(res.headers.get("strict-transport-security")).toContain("max-age=");
    await expect(fetch(s.url + "/healthz")).rejects.toThrow(); // our CA is not trusted by default
  } finally {
    await s.stop();
  }
});
