import { expect, test } from "bun:test";
import { Hono } from "hono";
import { installTrust, type TrustConfig } from "./install.ts";
import { isIpOrLocalhost } from "./rebinding.ts";

function app(cfg: TrustConfig) {
  const a = new Hono();
  installTrust(a, cfg);
  a.get("/healthz", (c) => c.json({ ok: true }));
  a.get("/metrics", (c) => c.text("fangs_up 1\n"));
  a.get("/v1/runs", (c) => c.json({ runs: [] }));
  a.post("/v1/runners/:id/heartbeat", (c) => c.json({ runner: c.get("runnerId") }));
  return a;
}

const OP = "op-token-0123456789";
const RT = "runner-token-0123456789";
type Row = [name: string, cfg: TrustConfig, method: string, path: string, host: string, headers: Record<string, string>, status: number];
const rows: Row[] = [
  ["no token: localhost", {}, "GET", "/v1/runs", "localhost:8443", {}, 200],
  ["no token: IPv4 literal", {}, "GET", "/v1/runs", "127.0.0.1:8443", {}, 200],
  ["no token: IPv6 literal", {}, "GET", "/v1/runs", "[::1]:8443", {}, 200],
  ["no token: localhost without port", {}, "GET", "/v1/runs", "localhost", {}, 200],
  ["no token: rebound host name", {}, "GET", "/v1/runs", "evil.example:8443", {}, 403],
  ["no token: rebound name on /metrics", {}, "GET", "/metrics", "evil.example:8443", {}, 403],
  ["no token: name ending in localhost", {}, "GET", "/v1/runs", "localhost.evil.example", {}, 403],
  ["no token: open runner route", {}, "POST", "/v1/runners/scan-01/heartbeat", "evil.example:8443", {}, 403],
  ["no token: /healthz stays open to probes", {}, "GET", "/healthz", "evil.example:8443", {}, 200],
  ["-insecure-listen: the operator allows names", { "insecure-listen": true }, "GET", "/v1/runs", "evil.example:8443", {}, 200],
  ["operator token presented with a host name", { "operator-token": OP }, "GET", "/v1/runs", "evil.example:8443", { authorization: `Bearer ${OP}` }, 200],
  ["operator token configured, not presented", { "operator-token": OP }, "GET", "/v1/runs", "evil.example:8443", {}, 401],
  ["operator token presented on /metrics", { "operator-token": OP }, "GET", "/metrics", "fangs.example:8443", { authorization: `Bearer ${OP}` }, 200],
  ["runner token with a host name", { "runner-token": RT }, "POST", "/v1/runners/scan-01/heartbeat", "fangs.example:8443", { authorization: `Bearer ${RT}`, "x-fangs-runner": "scan-01" }, 200],
  ["runner token but no operator token: API still guarded", { "runner-token": RT }, "GET", "/v1/runs", "fangs.example:8443", {}, 403],
  ["operator token but open runners: runner route guarded", { "operator-token": OP }, "POST", "/v1/runners/scan-01/heartbeat", "fangs.example:8443", {}, 403],
];

test.each(rows)("%s", async (_name, cfg, method, path, host, headers, status) => {
  const res = await app(cfg).request(`http://${host}${path}`, { method, headers: { host, ...headers } });
  expect(res.status).toBe(status);
  if (status === 403) {
    const body = (await res.json()) as { error: string };
    expect(body.error).toContain("IP address or localhost in the Host header");
    expect(body.error).toContain("DNS rebinding");
  }
});

test.each([
  ["localhost", true], ["LOCALHOST:80", true], ["127.0.0.1", true], ["[::1]:8443", true], ["[fe80::1]", true],
  ["evil.example", false], ["localhost.evil.example", false], ["127.0.0.1.evil.example", false], ["", false], ["[::1]:x", false],
] as const)("isIpOrLocalhost(%p) = %p", (host, want) => {
  expect(isIpOrLocalhost(host)).toBe(want);
});
