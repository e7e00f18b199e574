// Evicts runners silent for longer than runner-stale-after and fails the run
// each one held, so no run is left "running" forever.
import type { AppDeps } from "./deps.ts";
import { failOverdueRuns, pruneStaleRunners } from "../store/queue.ts";
import { Ticker } from "./ticker.ts";
import { unwritableReason } from "../store/unwritable.ts";
import { oneLine } from "../core/errors.ts";

export async function pruneOnce(d: AppDeps, now = Date.now()): Promise<number> {
  // A runner silent while this orchestrator was down (a restart, an outage)
  // was not silent to us: it is judged only once we have been up as long as
  // the stale limit (its spool re-sends what it holds when we are back).
  // The same holds after the database could not be written (their
  // heartbeats were refused with 503): silence is judged from its recovery.
  const staleAfterMs = d.cfg["runner-stale-after"] * 1000;
  const judgedFrom = Math.max(d.startedAt, d.storage.lastOutage?.until ?? 0);
  if (d.storage.failing) return 0; // nothing can be written now; the outage has its one log line
  const note = (claimedAt: number) => d.storage.noteFor(claimedAt);
  const pruned = now - judgedFrom < staleAfterMs ? [] : await pruneStaleRunners(d.db, now - staleAfterMs, now, note);
  for (const p of pruned) {
    d.metrics.runnersPruned.inc();
    d.log(`pruned runner ${p.runner} (no heartbeat for more than ${d.cfg["runner-stale-after"]}s)${p.failedRuns.length ? `; failed its run(s) ${p.failedRuns.join(", ")}` : ""}`);
  }
  const overdue = await failOverdueRuns(d.db, d.cfg["run-finish-grace"] * 1000, now, judgedFrom, note);
  if (overdue.length) {
    d.log(`failed overdue run(s) ${overdue.join(", ")}: no finish from their runner`);
  }
  return pruned.length;
}

export function startPruner(d: AppDeps): Ticker {
  const every = d.cfg["prune-interval"] * 1000;
  return new Ticker("runner pruner", every, every, async () => {
    try {
      await pruneOnce(d);
    } catch (e) {
      const unwritable = unwritableReason(e);
      if (!unwritable) throw e;
      d.storage.failed(unwritable, oneLine(e)); // one line for the outage, not one per tick
    }
  }, d.log).start();
}
