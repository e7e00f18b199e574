// Read latency under load: 10,000 open deviations (1,000 pending runs x 10),
// 50 concurrent loopback clients hammering /v1/pending, /v1/runs/:id and
// /v1/runs/:id/deviations on the compiled `fangs serve`. Prints p50/p99 per
// route. Target: p99 < 50 ms.
//   bun run tests/bench/reads.bench.ts [requests_per_client]
import { startServe } from "../orchestrator/lib.ts";
import { hex, migratedBenchDb } from "./seed.ts";

const PER_CLIENT = Number(process.argv[2] ?? 40);
const CLIENTS = 50;
const RUNS = 1000;
const DEVS_PER_RUN = 10;

// Seed straight into SQLite: this benchmark measures reads, not the differ.
const { dir, raw } = await migratedBenchDb("fangs-reads-");
const now = Date.now();
const runIds: string[] = [];
raw.transaction(() => {
  const run = raw.prepare("INSERT INTO runs (id, package, version, status, spec, created_at, finished_at, exit_code, events_count, verdict, deviation_count, max_severity) VALUES (?, ?, ?, 'finished', '{}', ?, ?, 0, 100, 'deviations', ?, 'high')");
  const dev = raw.prepare("INSERT INTO deviations (id, run_id, package, category, actor, value, severity, severity_rank, reason, evidence_seq, detected_at) VALUES (?, ?, ?, 'net_new_destination', 'proc:/usr/bin/curl', ?, 'high', 3, 'new network destination', ?, ?)");
  for (let i = 0; i < RUNS; i++) {
    const id = hex(0xa000000000 + i);
    runIds.push(id);
    run.run(id, `pkg-${i % 200}`, `1.0.${i}`, now - i * 1000, now - i * 1000 + 500, DEVS_PER_RUN);
    for (let d = 0; d < DEVS_PER_RUN; d++) dev.run(hex(0xb000000000 + i * DEVS_PER_RUN + d), id, `pkg-${i % 200}`, `203.0.113.${d}:443`, d, now - i * 1000);
  }
})();
raw.close();

const s = await startServe({ dir });
try {
  const routes: Record<string, (i: number) => string> = {
    "/v1/pending": () => "/v1/pending",
    "/v1/pending?package=": (i) => `/v1/pending?package=pkg-${i % 200}`,
    "/v1/runs/:id": (i) => `/v1/runs/${runIds[(i * 7919) % RUNS]}`,
    "/v1/runs/:id/deviations": (i) => `/v1/runs/${runIds[(i * 104729) % RUNS]}/deviations`,
    "/v1/runs?limit=50": () => "/v1/runs?limit=50",
  };
  const names = Object.keys(routes);
  const lat: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  // Warm up (JIT, SQLite page cache).
  for (const n of names) await (await fetch(s.url + routes[n](0))).arrayBuffer();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let k = 0; k < PER_CLIENT; k++) {
        const n = names[(c + k) % names.length];
        const t = performance.now();
        const res = await fetch(s.url + routes[n](c * PER_CLIENT + k));
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${n}: HTTP ${res.status}`);
        lat[n].push(performance.now() - t);
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  const pct = (xs: number[], p: number) => xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
  const all = Object.values(lat).flat();
  console.log(`reads: ${all.length} requests, ${CLIENTS} concurrent clients, ${RUNS * DEVS_PER_RUN} open deviations, ${(all.length / secs).toFixed(0)} req/s`);
  for (const n of names) console.log(`reads: ${n.padEnd(26)} p50 ${pct(lat[n], 50).toFixed(1)} ms  p99 ${pct(lat[n], 99).toFixed(1)} ms`);
  const p99 = pct(all, 99);
  console.log(`reads: all routes p50 ${pct(all, 50).toFixed(1)} ms  p99 ${p99.toFixed(1)} ms (target p99 < 50 ms: ${p99 < 50 ? "MET" : "NOT MET"})`);
} finally {
  await s.stop();
}
