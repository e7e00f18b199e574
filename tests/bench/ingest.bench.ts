// HTTP event ingest on loopback into SQLite, through the compiled `fangs
// serve`: one claimed run, STREAMS concurrent senders posting batches of
// BATCH events (the protocol maximum). Prints events/s and the server's peak
// RSS (VmHWM). Target: >= 100,000 events/s sustained.
//   bun run tests/bench/ingest.bench.ts [total_events]
import { readFileSync } from "node:fs";
import { api, fileEvent, ScriptedRunner, startServe } from "../orchestrator/lib.ts";
import { RUNNER_ID_HEADER } from "../../src/protocol/runner.ts";

const TOTAL = Number(process.argv[2] ?? 1_000_000);
const BATCH = 5000;
const STREAMS = 4;

const s = await startServe({ args: ["-ingest-rate-limit", "0"] });
try {
  const r = new ScriptedRunner(s.url, "bench-runner");
  await r.register();
  const runId = (await api(s.url, "POST", "/v1/scans", { package: "bench-pkg", version: "1.0.0" })).json.run_id;
  await r.claim(2);

  const batches = Math.ceil(TOTAL / BATCH);
  // Bodies are built before the clock starts so the client's JSON work is not measured.
  const bodies = Array.from({ length: batches }, (_, b) =>
    JSON.stringify({ batch_seq: b, events: Array.from({ length: BATCH }, (_, i) => fileEvent(b * BATCH + i, `/app/node_modules/bench-pkg/lib/file-${i % 400}.js`, i % 7 ? "read" : "write")) }),
  );
  const beat = setInterval(() => void r.heartbeat(runId), 500);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: STREAMS }, async () => {
      while (next < batches) {
        const b = next++;
        const res = await fetch(`${s.url}/v1/runs/${runId}/events`, { method: "POST", headers: { "content-type": "application/json", [RUNNER_ID_HEADER]: "bench-runner" }, body: bodies[b] });
        if (res.status !== 200) throw new Error(`batch ${b}: HTTP ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  clearInterval(beat);
  const stored = (await api(s.url, "GET", `/v1/runs/${runId}`)).json.run.events_count;
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${s.proc.pid}/status`, "utf8"))?.[1];
  const rate = Math.round(stored / secs);
  console.log(`ingest: ${stored} events in ${secs.toFixed(2)} s = ${rate.toLocaleString("en")} events/s (batches of ${BATCH}, ${STREAMS} streams, SQLite)`);
  console.log(`ingest: orchestrator peak RSS (VmHWM) ${(Number(hwm) / 1024).toFixed(0)} MiB`);
  console.log(`ingest: target >= 100,000 events/s: ${rate >= 100_000 ? "MET" : "NOT MET"}`);
  if (stored !== batches * BATCH) throw new Error(`stored ${stored}, sent ${batches * BATCH}`);
} finally {
  await s.stop();
}
