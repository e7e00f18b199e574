// The runner/operator middlewares behind the real mTLS listener on loopback,
// with certificates from the built-in CA (and a second, foreign CA).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { initCa, issueRunner, issueServer } from "../../tls/ca.ts";
import { startListener, type Listener } from "../listen.ts";
import { runnerAuthConfig, runnerIdentity } from "./runner.ts";
import { operatorAuth } from "./operator.ts";

let dir: string;
let l: Listener;
const read = (p: string) => readFileSync(join(dir, p), "utf8");
const as = (name?: string, caDir = "ours") => ({
  ca: read("ours/ca.crt"),
  ...(name ? { cert: read(`${caDir}/runners/${name}.crt`), key: read(`${caDir}/runners/${name}.key`) } : {}),
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "fangs-auth-"));
  await initCa(join(dir, "ours"));
  await initCa(join(dir, "foreign"));
  await issueServer(join(dir, "ours"), "localhost", { sans: ["127.0.0.1"] });
  for (const n of ["scan-01", "scan-02"]) await issueRunner(join(dir, "ours"), n);
  await issueRunner(join(dir, "foreign"), "scan-01");
  const app = new Hono();
  app.use("*", runnerAuthConfig({ mode: "mtls" }));
  const ra = runnerIdentity({ required: false });
  app.post("/v1/runners/register", ra, (c) => c.json({ runner_id: c.get("runnerId") }));
  app.post("/v1/runners/:id/heartbeat", ra, (c) => c.json({ ok: c.get("runnerId") }));
  app.get("/v1/audit", operatorAuth({ token: "op-secret" }), (c) => c.json([]));
  l = await startListener(app.fetch, { listen: "127.0.0.1:0", tlsCert: join(dir, "ours/server.crt"), tlsKey: join(dir, "ours/server.key"), tlsClientCa: join(dir, "ours/ca.crt") });
});
afterAll(async () => {
  await l?.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (path: string, tls: object, headers: Record<string, string> = {}) => fetch(l.url + path, { method: "POST", tls, headers } as RequestInit);

test("listener is mTLS", () => expect(l.runnerAuth).toBe("mtls"));

test.each([
  ["valid cert: named by its CN", () => as("scan-01"), {}, 200, "scan-01"],
  ["no client cert", () => as(), {}, 401, "certificate required"],
  ["cert from another CA", () => as("scan-01", "foreign"), {}, 401, "not signed"],
  ["header (a hostname guess) disagrees with CN: the CN wins", () => as("scan-01"), { "X-Fangs-Runner": "scan-02" }, 200, "scan-01"],
] as const)("register: %s", async (_n, tls, headers, status, text) => {
  const res = await post("/v1/runners/register", tls(), headers);
  expect(res.status).toBe(status);
  expect(await res.text()).toContain(text);
});

test("a runner cannot heartbeat as another runner", async () => {
  expect((await post("/v1/runners/scan-01/heartbeat", as("scan-01"))).status).toBe(200);
  expect((await post("/v1/runners/scan-01/heartbeat", as("scan-01"), { "X-Fangs-Runner": "scan-02" })).status).toBe(403);
  expect((await post("/v1/runners/scan-02/heartbeat", as("scan-01"))).status).toBe(403);
});

test("operator side: no client cert needed, token required", async () => {
  const get = (h: Record<string, string>) => fetch(l.url + "/v1/audit", { tls: as(), headers: h } as RequestInit);
  expect((await get({})).status).toBe(401);
  expect((await get({ Authorization: "Bearer wrong" })).status).toBe(401);
  expect((await get({ Authorization: "Bearer op-secret" })).status).toBe(200);
  expect((await get({ Cookie: "fangs_operator=op-secret" })).status).toBe(200);
});

test.each([
  ["right token, named", { Authorization: "Bearer tok", "X-Fangs-Runner": "scan-01" }, "/v1/runners/scan-01/heartbeat", 200],
  ["right token, unnamed: path names it", { Authorization: "Bearer tok" }, "/v1/runners/scan-01/heartbeat", 200],
  ["wrong token", { Authorization: "Bearer tok2", "X-Fangs-Runner": "scan-01" }, "/v1/runners/scan-01/heartbeat", 401],
  ["no token", { "X-Fangs-Runner": "scan-01" }, "/v1/runners/scan-01/heartbeat", 401],
  ["acting as another runner", { Authorization: "Bearer tok", "X-Fangs-Runner": "scan-02" }, "/v1/runners/scan-01/heartbeat", 403],
  ["malformed runner header", { Authorization: "Bearer tok", "X-Fangs-Runner": "../x" }, "/v1/runners/scan-01/heartbeat", 401],
  ["required id missing", { Authorization: "Bearer tok" }, "/v1/runs/00000000000000aa/events", 401],
] as const)("token mode via runnerIdentity: %s", async (_n, headers, path, status) => {
  const { runnerAuthConfig, runnerIdentity } = await import("./runner.ts");
  const app = new Hono();
  app.use("*", runnerAuthConfig({ mode: "token", token: "tok" }));
  app.post("/v1/runners/:id/heartbeat", runnerIdentity({ required: true }), (c) => c.json({ id: c.get("runnerId") }));
  app.post("/v1/runs/:run/events", runnerIdentity({ required: true }), (c) => c.json({ id: c.get("runnerId") }));
  const res = await app.request(path, { method: "POST", headers });
  expect(res.status).toBe(status);
});

test("runnerIdentity fails closed without configuration", async () => {
  const { runnerIdentity } = await import("./runner.ts");
  const app = new Hono();
  app.post("/x", runnerIdentity({ required: false }), (c) => c.text("in"));
  expect((await app.request("/x", { method: "POST" })).status).toBe(500);
});
