import { expect, test } from "bun:test";
import { isLoopbackHost, parseListen, checkListenPolicy } from "./listen-policy.ts";

test.each([
  ["127.0.0.1", true], ["127.0.0.2", true], ["127.255.255.254", true], ["localhost", true], ["LOCALHOST", true],
  ["::1", true], ["[::1]", true], ["0:0:0:0:0:0:0:1", true], ["::ffff:127.0.0.1", true],
  ["0.0.0.0", false], ["::", false], ["192.0.2.10", false], ["128.0.0.1", false], ["::ffff:192.0.2.1", false],
  ["localhost.example", false], ["orchestrator.example", false], ["", false], ["127.0.0.1.example", false],
] as const)("isLoopbackHost(%p) = %p", (h, want) => {
  expect(isLoopbackHost(h)).toBe(want);
});

test.each([
  ["127.0.0.1:8443", "127.0.0.1", 8443], ["[::1]:0", "::1", 0], [":8443", "0.0.0.0", 8443], ["example.org:443", "example.org", 443],
] as const)("parseListen(%p)", (raw, host, port) => {
  expect(parseListen(raw)).toEqual({ host, port });
});

test.each(["127.0.0.1", "127.0.0.1:99999", "[zz]:1", "::1:80", "a:b"])("parseListen(%p) refuses", (raw) => {
  expect(() => parseListen(raw)).toThrow(/invalid/);
});

const tls = { tlsCert: "s.crt", tlsKey: "s.key" };
test.each([
  ["loopback, nothing configured", { listen: "127.0.0.1:8443" }, "open"],
  ["127.0.0.2 is loopback too", { listen: "127.0.0.2:8443" }, "open"],
  ["public, mTLS + operator token", { listen: "0.0.0.0:8443", ...tls, tlsClientCa: "ca.crt", operatorToken: "o".repeat(16) }, "mtls"],
  ["public, runner token + operator token", { listen: "192.0.2.1:8443", runnerToken: "r".repeat(16), operatorToken: "o".repeat(16) }, "token"],
  ["public, nothing, but -insecure-listen", { listen: "0.0.0.0:8443", insecureListen: true }, "open"],
] as const)("listen policy allows: %s", (_n, sec, mode) => {
  expect(checkListenPolicy(sec).runnerAuth).toBe(mode);
});

test.each([
  ["public, nothing", { listen: "0.0.0.0:8443" }, /runner authentication.*operator authentication/],
  ["all interfaces via :port", { listen: ":8443" }, /refusing/],
  ["public, runner token only", { listen: "192.0.2.1:8443", runnerToken: "r" }, /operator authentication/],
  ["public, operator token only", { listen: "192.0.2.1:8443", operatorToken: "o" }, /runner authentication/],
  ["host name that is not localhost", { listen: "orchestrator.example:8443" }, /refusing/],
  ["client CA without server cert", { listen: "127.0.0.1:8443", tlsClientCa: "ca.crt" }, /needs -tls-cert/],
  ["cert without key", { listen: "127.0.0.1:8443", tlsCert: "s.crt" }, /go together/],
  ["a short runner token, even on loopback", { listen: "127.0.0.1:8443", runnerToken: "changeme" }, /-runner-token is too short \(8 characters/],
  ["a short operator token", { listen: "127.0.0.1:8443", operatorToken: "x".repeat(15) }, /-operator-token is too short/],
] as const)("listen policy refuses: %s", (_n, sec, msg) => {
  expect(() => checkListenPolicy(sec)).toThrow(msg);
});

test.each([
  ["public, tokens, no TLS", { listen: "192.0.2.1:8443", runnerToken: "r".repeat(16), operatorToken: "o".repeat(16) }, 1],
  ["public, tokens, TLS", { listen: "192.0.2.1:8443", tlsCert: "s.crt", tlsKey: "s.key", runnerToken: "r".repeat(16), operatorToken: "o".repeat(16) }, 0],
  ["loopback, tokens, no TLS", { listen: "127.0.0.1:8443", runnerToken: "r".repeat(16) }, 0],
] as const)("clear-text token warning: %s", (_n, sec, n) => {
  expect(checkListenPolicy(sec).warnings).toHaveLength(n);
});
