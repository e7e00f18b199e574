import { describe, expect, test, beforeAll, afterAll } from "bun:test";
import { mkdtempSync, rmSync, statSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initCa, issueServer, issueRunner, describeCert, caPaths, serverSans, CA_DAYS, LEAF_MAX_DAYS } from "./ca.ts";

const DAY = 86_400_000;
let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), "fangs-ca-")); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mode = (p: string) => statSync(p).mode & 0o777;

describe("fangs ca", () => {
  test("init writes a 5-year P-256 CA, key 0600, and refuses to overwrite", async () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const ca = await initCa(dir, { now });
    const d = await describeCert(ca.cert);
    expect(d.isCa).toBe(true);
    expect(d.keyAlg).toBe("ECDSA/P-256");
    expect(Math.round((d.notAfter.getTime() - now.getTime()) / DAY)).toBe(CA_DAYS);
    expect(mode(caPaths(dir).key)).toBe(0o600);
    expect(readFileSync(caPaths(dir).key, "utf8")).toStartWith("-----BEGIN PRIVATE KEY-----");
    await expect(initCa(dir)).rejects.toThrow(/already exists/);
  });

  test("issue-server: CN, SANs for names and IPs, ≤1y, key 0600", async () => {
    const s = await issueServer(dir, "orchestrator.example", { sans: ["127.0.0.1", "::1", "localhost"] });
    const d = await describeCert(s.cert);
    expect(d.cn).toBe("orchestrator.example");
    expect(d.issuerCn).toBe("FANGS CA");
    expect(d.isCa).toBe(false);
    expect(d.sans.sort()).toEqual(["dns:localhost", "dns:orchestrator.example", "ip:127.0.0.1", "ip:::1"].sort());
    expect(d.notAfter.getTime() - Date.now()).toBeLessThanOrEqual(LEAF_MAX_DAYS * DAY);
    expect(mode(s.paths.key)).toBe(0o600);
  });

  test("issue-runner: CN is the runner name; bad names and lifetimes refused", async () => {
    const r = await issueRunner(dir, "scan-01", { days: 30 });
    const d = await describeCert(r.cert);
    expect(d.cn).toBe("scan-01");
    expect(Math.round((d.notAfter.getTime() - Date.now()) / DAY)).toBe(30);
    expect(mode(r.paths.key)).toBe(0o600);
    for (const bad of ["../evil", "a b", "", "x".repeat(200), "-lead"]) await expect(issueRunner(dir, bad)).rejects.toThrow(/invalid runner name/);
    for (const days of [0, 366, 1.5]) await expect(issueRunner(dir, "scan-02", { days })).rejects.toThrow(/-days/);
  });

  test("serverSans rejects junk", () => {
    for (const bad of ["a/b", "exa mple", "x\u0000y", ""]) expect(() => serverSans([bad])).toThrow(/not a host name/);
  });

  test("Bun TLS accepts the certificates: server + client cert handshake on loopback", async () => {
    const srv = readFileSync(join(dir, "server.crt"), "utf8");
    const server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      tls: { cert: srv, key: readFileSync(join(dir, "server.key"), "utf8"), ca: readFileSync(caPaths(dir).cert, "utf8"), requestCert: true, rejectUnauthorized: true },
      fetch: () => new Response("ok"),
    });
    try {
      const tls = { ca: readFileSync(caPaths(dir).cert, "utf8"), cert: readFileSync(join(dir, "runners/scan-01.crt"), "utf8"), key: readFileSync(join(dir, "runners/scan-01.key"), "utf8") };
      const res = await fetch(`https://127.0.0.1:${server.port}/`, { tls });
      expect(await res.text()).toBe("ok");
      await expect(fetch(`https://127.0.0.1:${server.port}/`, { tls: { ca: tls.ca } })).rejects.toThrow();
    } finally {
      server.stop(true);
    }
  });
});
