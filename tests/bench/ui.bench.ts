// UI page latency on the compiled `fangs serve`: 1,000 pending runs x 10 open
// deviations and a run with 5,000 events, 10 concurrent loopback clients
// loading the overview, the triage queue (first page of 100 rows, and one
// "load more" fragment of the next 100), a run page and an events page.
// Prints p50/p99 and pages/s per route.
//   bun run tests/bench/ui.bench.ts [requests_per_client]
import { startServe } from "../orchestrator/lib.ts";
import { hex, migratedBenchDb } from "./seed.ts";

const PER_CLIENT = Number(process.argv[2] ?? 20);
const CLIENTS = 10;
const RUNS = 1000;
const DEVS_PER_RUN = 10;
const EVENTS = 5000;

// Seed straight into SQLite: this measures page rendering, not the differ.
const { dir, raw } = await migratedBenchDb("fangs-ui-bench-");
const now = Date.now();
const firstRun = hex(0xa000000000);
raw.transaction(() => {
  const run = raw.prepare("INSERT INTO runs (id, package, version, status, spec, created_at, finished_at, exit_code, events_count, verdict, deviation_count, max_severity) VALUES (?, ?, ?, 'finished', '{}', ?, ?, 0, ?, 'deviations', ?, 'high')");
  const dev = raw.prepare("INSERT INTO deviations (id, run_id, package, category, actor, value, severity, severity_rank, reason, evidence_seq, detected_at) VALUES (?, ?, ?, 'net_new_destination', 'script:x:curl', ?, 'high', 3, 'new network destination', ?, ?)");
  const ev = raw.prepare("INSERT INTO events (run_id, seq, kind, ts_ns, pid, comm, body, received_at) VALUES (?, ?, 'file', ?, 30, 'node', ?, ?)");
  for (let i = 0; i < RUNS; i++) {
    const id = hex(0xa000000000 + i);
    run.run(id, `pkg-${i % 200}`, `1.0.${i}`, now - i * 1000, now - i * 1000 + 500, i === 0 ? EVENTS : 0, DEVS_PER_RUN);
    for (let d = 0; d < DEVS_PER_RUN; d++) dev.run(hex(0xb000000000 + i * DEVS_PER_RUN + d), id, `pkg-${i % 200}`, `203.0.113.${d}:443`, d, now - i * 1000);
  }
  for (let s = 0; s < EVENTS; s++) {
    const body = { seq: s, ts_ns: s, pid: 30, ppid: 20, uid: 0, comm: "node", exe: "/usr/local/bin/node", cgroup_id: "1", ancestry: [], source: "bench", kind: "file", path: `/app/node_modules/x/lib/f${s}.js`, flags: 0, access: "read" };
    ev.run(firstRun, s, s, JSON.stringify(body), now);
  }
})();
raw.close();

const s = await startServe({ dir });
try {
  // the load-more link the first page of the queue offers
  const first = await (await fetch(s.url + "/ui/pending")).text();
  const more = /id="pending-more">.*?hx-get="([^"]+)"/s.exec(first)?.[1].replaceAll("&amp;", "&");
  if (!more) throw new Error("/ui/pending has no load-more row");
  const routes = ["/ui/", "/ui/pending", more, `/ui/runs/${firstRun}`, `/ui/runs/${firstRun}/events`];
  console.log(`ui bench: ${RUNS} pending runs x ${DEVS_PER_RUN} deviations, ${EVENTS} events on one run, ${CLIENTS} clients x ${PER_CLIENT} requests per route`);
  for (const route of routes) {
    const lat: number[] = [];
    let bytes = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: CLIENTS }, async () => {
      for (let i = 0; i < PER_CLIENT; i++) {
        const t = performance.now();
        const r = await fetch(s.url + route);
        const text = await r.text();
        if (r.status !== 200) throw new Error(`${route}: HTTP ${r.status}`);
        bytes = text.length;
        lat.push(performance.now() - t);
      }
    }));
    const secs = (performance.now() - t0) / 1000;
    lat.sort((a, b) => a - b);
    const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))].toFixed(1);
    console.log(`${route.replace(firstRun, ":id").replace(/after=[^&]+/, "after=…").padEnd(28)} p50 ${pct(50).padStart(7)} ms  p99 ${pct(99).padStart(7)} ms  ${(lat.length / secs).toFixed(0).padStart(5)} pages/s  ${(bytes / 1024).toFixed(0)} KiB`);
  }
} finally {
  await s.stop();
}
