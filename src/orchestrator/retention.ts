// Raw events expire after retention-days; pinned events (deviation evidence)
// stay forever, and baselines live in their own table and never expire.
// First prune shortly after start (so operators can see it is wired), then daily.
import type { AppDeps } from "./deps.ts";
import { Ticker } from "./ticker.ts";
import { deleteUnpinnedEventsBefore } from "../store/events.ts";

const DAY_MS = 86_400_000;

export async function pruneEvents(d: AppDeps, now = Date.now()): Promise<number> {
  const days = d.cfg["retention-days"];
  if (days <= 0) return 0;
  const cutoff = now - days * DAY_MS;
  const n = await deleteUnpinnedEventsBefore(d.db, cutoff);
  d.metrics.retentionPruned.inc(n);
  d.log(`retention: pruned ${n} raw events older than ${days} days (pinned evidence kept)`);
  return n;
}

export function startRetention(d: AppDeps): Ticker | undefined {
  if (d.cfg["retention-days"] <= 0) {
    d.log("retention disabled (-retention-days=0)");
    return undefined;
  }
  return new Ticker("retention", d.cfg["retention-first-prune"] * 1000, d.cfg["retention-interval"] * 1000, async () => void (await pruneEvents(d)), d.log).start();
}
