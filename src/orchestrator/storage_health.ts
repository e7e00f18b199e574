// Whether the database takes writes. The first write that fails because the
// disk is full or the database read-only is one clear log line (not one per
// request, not a stack trace); the first write that works again is another,
// with how long it lasted. Runners' spools re-send what was refused (503).
import type { Log } from "./log.ts";

export class StorageHealth {
  failing: { since: number; reason: string } | null = null;
  /** The last outage that ended: the pruner does not judge runner silence
   *  from before `until` (their heartbeats could not be stored), and says so
   *  in the reason of a run it fails. */
  lastOutage: { since: number; until: number; reason: string } | null = null;
  constructor(private readonly log: Log) {}

  failed(reason: string, detail: string, now = Date.now()): void {
    if (this.failing) return;
    this.failing = { since: now, reason };
    this.log(`database unwritable: ${reason} (${detail}); writes are answered 503 until it recovers`);
  }

  succeeded(now = Date.now()): void {
    if (!this.failing) return;
    this.lastOutage = { ...this.failing, until: now };
    this.log(`database writable again after ${Math.round((now - this.failing.since) / 1000)}s (${this.failing.reason})`);
    this.failing = null;
  }

  /** A note for the failure reason of a run that was active during the last outage. */
  noteFor(activeSince: number): string {
    const o = this.lastOutage;
    if (!o || o.until < activeSince) return "";
    return ` (the database could not be written for ${Math.round((o.until - o.since) / 1000)}s while it ran: ${o.reason})`;
  }
}
