// Streams one run's events to the orchestrator: each event gets its seq in the
// run (from 0), batches of at most MAX_BATCH_EVENTS get a batch_seq (from 0,
// the idempotency key), sent in order with retry and backoff. Failed attempts
// are counted (batch_send_errors); a batch that never got through counts its
// events as lost, never silently.
import { MAX_BATCH_EVENTS } from "../protocol/runner.ts";
import type { FangsEvent } from "../events/types.ts";
import type { SensorEvent } from "../sensor/types.ts";
import { oneLine } from "../core/errors.ts";
import { withRetry, type OrchestratorClient } from "./client.ts";

export interface StreamerStats { events_sent: number; events_lost: number; batches_sent: number; batch_send_errors: number }

export class EventStreamer {
  private seq = 0;
  private batchSeq = 0;
  private buf: FangsEvent[] = [];
  private chain: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setInterval>;
  private closed = false;
  readonly stats: StreamerStats = { events_sent: 0, events_lost: 0, batches_sent: 0, batch_send_errors: 0 };

  constructor(
    private readonly client: Pick<OrchestratorClient, "sendBatch">,
    readonly runId: string,
    private readonly log: (line: string) => void,
    private readonly opts: { flushMs?: number; maxBatch?: number; attempts?: number } = {},
  ) {
    this.timer = setInterval(() => this.flush(), opts.flushMs ?? 250);
  }

  get received(): number { return this.seq; }

  push(events: SensorEvent[]): void {
    if (this.closed) { this.stats.events_lost += events.length; return; }
    const max = Math.min(this.opts.maxBatch ?? MAX_BATCH_EVENTS, MAX_BATCH_EVENTS);
    for (const e of events) {
      this.buf.push({ ...e, seq: this.seq++ } as FangsEvent);
      if (this.buf.length >= max) this.flush();
    }
  }

  private flush(): void {
    if (this.buf.length === 0) return;
    const events = this.buf;
    this.buf = [];
    const batch = { batch_seq: this.batchSeq++, events };
    this.chain = this.chain.then(() => this.send(batch));
  }

  private async send(batch: { batch_seq: number; events: FangsEvent[] }): Promise<void> {
    try {
      await withRetry(() => this.client.sendBatch(this.runId, batch as any), {
        attempts: this.opts.attempts ?? 8,
        onError: (e, attempt) => {
          this.stats.batch_send_errors++;
          this.log(`run ${this.runId}: batch ${batch.batch_seq} send attempt ${attempt} failed: ${oneLine(e)}`);
        },
      });
      this.stats.events_sent += batch.events.length;
      this.stats.batches_sent++;
    } catch {
      this.stats.events_lost += batch.events.length;
    }
  }

  /** Flush what is buffered, wait for every batch, stop. */
  async close(): Promise<StreamerStats> {
    if (!this.closed) {
      this.flush();
      this.closed = true;
      clearInterval(this.timer);
    }
    await this.chain;
    const s = this.stats;
    this.log(`event streamer closed run=${this.runId} events_sent=${s.events_sent} batches=${s.batches_sent} batch_send_errors=${s.batch_send_errors} events_lost=${s.events_lost}`);
    return s;
  }
}
