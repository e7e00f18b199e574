// Evicts runners silent for longer than runner-stale-after and fails the run
// each one held, so no run is left "running" forever.
import type { AppDeps } from "./deps.ts";
import { failOverdueRuns, pruneStaleRunners } from "../store/queue.ts";
import { Ticker } from "./ticker.ts";

export async function pruneOnce(d: AppDeps, now = Date.now()): Promise<number> {
  const pruned = await pruneStaleRunners(d.db, now - d.cfg["runner-stale-after"] * 1000, now);
  if (pruned.length) d.reads.bump();
  for (const p of pruned) {
    d.metrics.runnersPruned.inc();
    d.log(`pruned runner ${p.runner} (no heartbeat for more than ${d.cfg["runner-stale-after"]}s)${p.failedRuns.length ? `; failed its run(s) ${p.failedRuns.join(", ")}` : ""}`);
  }
  const overdue = await failOverdueRuns(d.db, d.cfg["run-finish-grace"] * 1000, now);
  if (overdue.length) {
    d.reads.bump();
    d.log(`failed overdue run(s) ${overdue.join(", ")}: no finish from their runner`);
  }
  return pruned.length;
}

export function startPruner(d: AppDeps): Ticker {
  const every = d.cfg["prune-interval"] * 1000;
  return new Ticker("runner pruner", every, every, async () => void (await pruneOnce(d)), d.log).start();
}
