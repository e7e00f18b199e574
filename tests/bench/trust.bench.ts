// What the trust boundary costs: authenticated runner heartbeats per second
// against the compiled orchestrator over plain HTTP + runner token (Bun.serve)
// and over TLS with client certificates (node:tls + node:http listener), plus the
// constant-time secret comparison. Short by design (2 cores shared).
//   bun run tests/bench/trust.bench.ts
import { join } from "node:path";
import { tempDir } from "../lib/env.ts";
import { call, makePki, startServe } from "../trust/lib.ts";
import { secretEquals } from "../../src/orchestrator/auth/compare.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONCURRENCY = 16;

async function hammer(label: string, url: string, path: string, init: RequestInit & { tls?: object }): Promise<void> {
  const lat: number[] = [];
  const end = performance.now() + SECONDS * 1000;
  let errors = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < end) {
      const t = performance.now();
      const res = await fetch(url + path, init as RequestInit);
      await res.arrayBuffer();
      if (res.status !== 200) errors++;
      lat.push(performance.now() - t);
    }
  }));
  lat.sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))].toFixed(2);
  console.log(`${label}: ${(lat.length / SECONDS).toFixed(0)} req/s, p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, non-200 ${errors} (concurrency ${CONCURRENCY}, ${SECONDS}s)`);
  // Refused requests are cheap: counting them as throughput would flatter the figure.
  if (errors > 0) throw new Error(`${label}: ${errors} requests were not answered 200; the figure above is not an authenticated rate`);
}

const dir = tempDir("fangs-bench-trust-");
const pki = makePki(join(dir, "ca"), ["bench-1"]);

const TOKEN = "bench-runner-token-0123";
const plain = await startServe(["-runner-token", TOKEN], { dir: join(dir) });
await call(plain.url, "POST", "/v1/runners/register", { id: "bench-1", hostname: "h" }, { token: TOKEN });
await hammer("heartbeat, HTTP + runner token (Bun.serve)", plain.url, "/v1/runners/bench-1/heartbeat", {
  method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "x-fangs-runner": "bench-1", "content-type": "application/json" }, body: "{}",
});
await plain.stop();

const mdir = tempDir("fangs-bench-mtls-");
const mtls = await startServe(["-tls-cert", join(pki.dir, "server.crt"), "-tls-key", join(pki.dir, "server.key"), "-tls-client-ca", join(pki.dir, "ca.crt")], { dir: mdir });
const tls = { ca: pki.ca, ...pki.cert("bench-1") };
await call(mtls.url, "POST", "/v1/runners/register", { hostname: "h" }, { tls });
await hammer("heartbeat, HTTPS + client certificate (node:tls + node:http listener)", mtls.url, "/v1/runners/bench-1/heartbeat", {
  method: "POST", headers: { "content-type": "application/json" }, body: "{}", tls,
});
await mtls.stop();

const N = 200_000;
let t = performance.now();
for (let i = 0; i < N; i++) secretEquals("wrong-token-value", "the-right-token-value");
console.log(`secretEquals (sha256 + timingSafeEqual): ${(((performance.now() - t) * 1e6) / N).toFixed(0)} ns/op`);
