// `dist/fangs pending --json` with 10,000 open deviations: the whole process
// (start, open, migrate check, query, print) — target < 300 ms.
//   bun run build.ts && bun run tests/bench/pending.bench.ts
import { join } from "node:path";
import { openMigrated } from "../../src/store/index.ts";
import { fangsBin, tempDir } from "../lib/env.ts";
import { newId } from "../../src/core/ids.ts";

const DEVIATIONS = 10_000;
const RUNS = 500;
const path = join(tempDir("fangs-bench-"), "fangs.db");
const db = await openMigrated(path);
const now = Date.now();
const runs = Array.from({ length: RUNS }, (_, i) => ({ id: newId(), package: `pkg-${i % 120}`, version: `1.0.${i}`, status: "finished" as const, runner_target: null, runner_id: null, spec: "{}", created_at: now - i * 1000, claimed_at: null, finished_at: null, exit_code: 0, failure_reason: null, verdict: "deviations" as const, max_severity: null, timings: null }));
for (let i = 0; i < runs.length; i += 500) await db.insertInto("runs").values(runs.slice(i, i + 500)).execute();
const sev = ["info", "low", "medium", "high", "critical"];
const devs = Array.from({ length: DEVIATIONS }, (_, i) => {
  const r = runs[i % RUNS];
  const rank = i % 5;
  return { id: newId(), run_id: r.id, package: r.package, category: "fs_new_path_read", actor: "script:x:node", value: `/p/${i}`, severity: sev[rank], severity_rank: rank, reason: "bench", evidence_seq: i, detected_at: now - i, cleared_at: null, cleared_by: null };
});
for (let i = 0; i < devs.length; i += 500) await db.insertInto("deviations").values(devs.slice(i, i + 500)).execute();
await db.destroy();

const times: number[] = [];
let rows = 0;
for (let i = 0; i < 7; i++) {
  const t0 = performance.now();
  const p = Bun.spawnSync([fangsBin(), "pending", "--json", "-db", path], { cwd: tempDir("fangs-bench-cwd-") });
  times.push(performance.now() - t0);
  if (p.exitCode !== 0) throw new Error(`fangs pending failed: ${p.stderr.toString()}`);
  rows = JSON.parse(p.stdout.toString()).length;
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(`pending --json: ${DEVIATIONS} open deviations over ${RUNS} runs → ${rows} rows; process wall time median ${median.toFixed(0)} ms (min ${times[0].toFixed(0)}, max ${times.at(-1)!.toFixed(0)}) ${median < 300 ? "(target < 300 ms: OK)" : "(target < 300 ms: MISSED)"}`);
if (median >= 300) process.exitCode = 1;
