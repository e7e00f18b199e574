// Runner mTLS against the compiled orchestrator: certificates from `fangs ca`,
// a real TLS listener on loopback, and the runner protocol.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { Database } from "bun:sqlite";
import { tempDir } from "../lib/env.ts";
import { call, makePki, startServe, type Pki, type Serve } from "./lib.ts";

let pki: Pki;
let foreign: Pki;
let srv: Serve;
const OP = "operator-secret-1";

beforeAll(async () => {
  const dir = tempDir("fangs-mtls-");
  pki = makePki(join(dir, "ca"), ["scan-01", "scan-02"]);
  foreign = makePki(join(dir, "foreign"), ["scan-01"]);
  srv = await startServe(["-tls-cert", join(pki.dir, "server.crt"), "-tls-key", join(pki.dir, "server.key"), "-tls-client-ca", join(pki.dir, "ca.crt"), "-operator-token", OP], { dir });
});
afterAll(async () => {
  await srv?.stop();
});

const as = (name?: string, p = () => pki) => ({ ca: pki.ca, ...(name ? p().cert(name) : {}) });
const register = (tls: object, body: object = { hostname: "h" }) => call(srv.url, "POST", "/v1/runners/register", body, { tls });

test("the listener is HTTPS and says runner auth is mTLS", () => {
  expect(srv.url).toStartWith("https://127.0.0.1:");
  expect(srv.stderr()).toContain("runner auth mtls");
});

test.each([
  ["no client certificate", () => as(), 401],
  ["a certificate from another CA", () => as("scan-01", () => foreign), 401],
] as const)("register refused: %s", async (_n, tls, status) => {
  const r = await register(tls());
  expect(r.status).toBe(status);
  expect(r.json?.runner_id).toBeUndefined();
});

test("a valid certificate registers, named by its CN (not by the body), cert_cn recorded", async () => {
  const r = await register(as("scan-01"), { id: "someone-else", hostname: "host-a" });
  expect(r.status).toBe(200);
  expect(r.json.runner_id).toBe("scan-01");
  expect((await register(as("scan-02"))).json.runner_id).toBe("scan-02");
  const db = new Database(srv.db, { readonly: true });
  const rows = db.query("SELECT id, cert_cn FROM runners ORDER BY id").all();
  db.close();
  expect(rows).toEqual([{ id: "scan-01", cert_cn: "scan-01" }, { id: "scan-02", cert_cn: "scan-02" }]);
});

test("a runner cannot act as, or write into the run of, another runner", async () => {
  const q = await call(srv.url, "POST", "/v1/scans", { package: "left-pad", version: "1.3.0", runner: "scan-01" }, { tls: as(), token: OP });
  expect(q.status).toBeLessThan(300);
  const runId = q.json.run_id;
  const claim = await call(srv.url, "POST", "/v1/runners/scan-01/claim?wait=5", undefined, { tls: as("scan-01") });
  expect(claim.status).toBe(200);
  expect(claim.json.run.id).toBe(runId);

  // scan-02 with its own valid certificate:
  expect((await call(srv.url, "POST", "/v1/runners/scan-01/heartbeat", {}, { tls: as("scan-02") })).status).toBe(403);
  expect((await call(srv.url, "POST", "/v1/runners/scan-01/claim?wait=0", undefined, { tls: as("scan-02") })).status).toBe(403);
  expect((await call(srv.url, "POST", "/v1/runners/scan-02/heartbeat", {}, { tls: as("scan-02"), runner: "scan-01" })).status).toBe(403);
  const batch = { batch_seq: 0, events: [] };
  expect((await call(srv.url, "POST", `/v1/runs/${runId}/events`, batch, { tls: as("scan-02") })).status).toBe(403);
  expect((await call(srv.url, "POST", `/v1/runs/${runId}/events`, batch, { tls: as("scan-02"), runner: "scan-01" })).status).toBe(403);
  const fin = { status: "finished", exit_code: 0, events_sent: 0, events_dropped: 0 };
  expect((await call(srv.url, "POST", `/v1/runs/${runId}/finish`, fin, { tls: as("scan-02") })).status).toBe(403);
  // and without any certificate, even naming the owner:
  expect((await call(srv.url, "POST", `/v1/runs/${runId}/events`, batch, { tls: as(), runner: "scan-01" })).status).toBe(401);

  // the owner can:
  expect((await call(srv.url, "POST", `/v1/runs/${runId}/events`, batch, { tls: as("scan-01") })).status).toBe(200);
  const status = await call(srv.url, "GET", `/v1/runs/${runId}`, undefined, { tls: as(), token: OP });
  expect(status.json.runner_id ?? status.json.run?.runner_id).toBe("scan-01");
});

test("operator API over the same listener: token required, no client certificate needed", async () => {
  expect((await call(srv.url, "GET", "/v1/runners", undefined, { tls: as() })).status).toBe(401);
  expect((await call(srv.url, "GET", "/v1/runners", undefined, { tls: as(), token: "wrong" })).status).toBe(401);
  expect((await call(srv.url, "GET", "/v1/runners", undefined, { tls: as(), token: OP })).status).toBe(200);
  expect((await call(srv.url, "GET", "/healthz", undefined, { tls: as() })).status).toBe(200);
});

test("fangs ca revoke: the revoked runner is refused within seconds, others keep working, a re-issued cert works", async () => {
  const { fangs } = await import("../lib/env.ts");
  const r = fangs(["ca", "revoke", "scan-02", "-dir", pki.dir, "-reason", "host compromised", "-db", srv.db, "--json"], { cwd: srv.dir });
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout);
  expect(out.cn).toBe("scan-02");
  let status = 0;
  for (let i = 0; i < 40 && status !== 401; i++) {
    status = (await register(as("scan-02"))).status;
    if (status !== 401) await Bun.sleep(250);
  }
  expect(status).toBe(401);
  expect((await register(as("scan-02"))).text).toContain("revoked");
  expect((await call(srv.url, "POST", "/v1/runners/scan-02/heartbeat", {}, { tls: as("scan-02") })).status).toBe(401);
  expect((await register(as("scan-01"))).status).toBe(200);
  const listed = JSON.parse(fangs(["ca", "revoked", "--json", "-db", srv.db], { cwd: srv.dir }).stdout);
  expect(listed.map((x: { serial: string }) => x.serial)).toEqual([out.serial]);

  // replacement host: a new certificate for the same name has a new serial
  expect(fangs(["ca", "issue-runner", "scan-02", "-dir", pki.dir, "-force"]).code).toBe(0);
  expect((await register(as("scan-02"))).status).toBe(200);
}, 30_000);
