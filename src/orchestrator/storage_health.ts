// Whether the database takes writes. The first write that fails because the
// disk is full or the database read-only is one clear log line (not one per
// request, not a stack trace); the first write that works again is another,
// with how long it lasted. Runners' spools re-send what was refused (503).
import type { Log } from "./log.ts";

export class StorageHealth {
  failing: { since: number; reason: string } | null = null;
  constructor(private readonly log: Log) {}

  failed(reason: string, detail: string): void {
    if (this.failing) return;
    this.failing = { since: Date.now(), reason };
    this.log(`database unwritable: ${reason} (${detail}); writes are answered 503 until it recovers`);
  }

  succeeded(): void {
    if (!this.failing) return;
    this.log(`database writable again after ${Math.round((Date.now() - this.failing.since) / 1000)}s (${this.failing.reason})`);
    this.failing = null;
  }
}
