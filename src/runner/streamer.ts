// Streams one run's events to the orchestrator: each event gets its seq in the
// run (from 0), batches of at most MAX_BATCH_EVENTS get a batch_seq (from 0,
// the idempotency key), are written to the runner's durable spool, and are
// sent in order, re-sent with backoff until the orchestrator acknowledges
// them — however long it is away — or the runner gives up (stopping: the
// spool keeps them for the next start). Failed attempts are counted
// (batch_send_errors); only a batch the orchestrator refuses for good (4xx,
// e.g. the run was failed meanwhile) counts its events as lost, never silently.
import { MAX_BATCH_EVENTS } from "../protocol/runner.ts";
import type { FangsEvent } from "../events/types.ts";
import type { SensorEvent } from "../sensor/types.ts";
import { oneLine } from "../core/errors.ts";
import { PhaseTracker } from "../differ/phase.ts";
import { OrchestratorError, withRetry, type OrchestratorClient } from "../client/orchestrator.ts";
import type { Spool } from "./spool.ts";

export interface StreamerStats { events_sent: number; events_lost: number; batches_sent: number; batch_send_errors: number }
export interface Batch { batch_seq: number; events: FangsEvent[] }

export interface DeliverOptions {
  /** Attempts before giving up on a retryable failure (default: unlimited). */
  attempts?: number;
  /** Aborting stops retrying (the spool keeps what was not acknowledged). */
  signal?: AbortSignal;
  baseMs?: number;
  maxMs?: number;
  log: (line: string) => void;
  onAttemptFailed?: () => void;
}

/** Send until acknowledged: every failure is logged at the first attempt and
 *  every tenth after it (an outage of minutes is a few lines, not hundreds). */
export async function deliver<T>(what: string, fn: () => Promise<T>, o: DeliverOptions): Promise<T> {
  let firstFailure = 0;
  const r = await withRetry(fn, {
    attempts: o.attempts ?? Number.POSITIVE_INFINITY,
    signal: o.signal,
    baseMs: o.baseMs,
    maxMs: o.maxMs,
    onError: (e, n) => {
      o.onAttemptFailed?.();
      if (n === 1) firstFailure = Date.now();
      if (n === 1 || n % 10 === 0) o.log(`${what} attempt ${n} failed: ${oneLine(e)}${n > 1 ? ` (retrying for ${Math.round((Date.now() - firstFailure) / 1000)}s)` : ""}`);
    },
  });
  if (firstFailure) o.log(`${what} delivered after ${Math.round((Date.now() - firstFailure) / 1000)}s of retries`);
  return r;
}

/** A failure the orchestrator will answer the same way however often it is asked. */
export function isFinal(e: unknown): boolean {
  return e instanceof OrchestratorError && !e.retryable;
}

export class EventStreamer {
  private seq = 0;
  private batchSeq = 0;
  private buf: FangsEvent[] = [];
  private chain: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setInterval>;
  private closed = false;
  /** Each event's phase (install | import) by lineage, stamped as it streams. */
  private readonly phases = new PhaseTracker();
  readonly stats: StreamerStats = { events_sent: 0, events_lost: 0, batches_sent: 0, batch_send_errors: 0 };

  constructor(
    private readonly client: Pick<OrchestratorClient, "sendBatch">,
    readonly runId: string,
    private readonly log: (line: string) => void,
    private readonly opts: { flushMs?: number; maxBatch?: number; attempts?: number; spool?: Spool; signal?: AbortSignal; baseMs?: number; maxMs?: number } = {},
  ) {
    this.timer = setInterval(() => this.flush(), opts.flushMs ?? 250);
  }

  get received(): number { return this.seq; }

  push(events: SensorEvent[]): void {
    if (this.closed) { this.stats.events_lost += events.length; return; }
    const max = Math.min(this.opts.maxBatch ?? MAX_BATCH_EVENTS, MAX_BATCH_EVENTS);
    for (const e of events) {
      const phase = this.phases.see(e as never);
      this.buf.push({ ...e, seq: this.seq++, ...(phase === "import" && { phase }) } as FangsEvent);
      if (this.buf.length >= max) this.flush();
    }
  }

  private flush(): void {
    if (this.buf.length === 0) return;
    const events = this.buf;
    this.buf = [];
    const batch: Batch = { batch_seq: this.batchSeq++, events };
    // On disk before the first attempt: a kill -9 of the runner from here on
    // leaves the batch for the next start.
    this.opts.spool?.putBatch(this.runId, batch.batch_seq, batch);
    this.chain = this.chain.then(() => this.send(batch));
  }

  private async send(batch: Batch): Promise<void> {
    const spool = this.opts.spool;
    try {
      await deliver(`run ${this.runId}: batch ${batch.batch_seq} send`, () => this.client.sendBatch(this.runId, batch as never), {
        attempts: this.opts.attempts,
        signal: this.opts.signal,
        baseMs: this.opts.baseMs,
        maxMs: this.opts.maxMs,
        log: this.log,
        onAttemptFailed: () => this.stats.batch_send_errors++,
      });
      this.stats.events_sent += batch.events.length;
      this.stats.batches_sent++;
      spool?.ackBatch(this.runId, batch.batch_seq);
    } catch (e) {
      this.stats.events_lost += batch.events.length;
      // Refused for good: keeping it would only block the run's directory.
      if (isFinal(e)) spool?.ackBatch(this.runId, batch.batch_seq);
      this.log(`run ${this.runId}: batch ${batch.batch_seq} (${batch.events.length} events) not delivered: ${oneLine(e)}${isFinal(e) || !spool ? "" : " (kept in the spool)"}`);
    }
  }

  /** No more events: what is buffered becomes the last batch (spooled). */
  seal(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    clearInterval(this.timer);
  }

  /** Seal, wait for every batch to be delivered (or given up), stop. */
  async close(): Promise<StreamerStats> {
    this.seal();
    await this.chain;
    const s = this.stats;
    this.log(`event streamer closed run=${this.runId} events_sent=${s.events_sent} batches=${s.batches_sent} batch_send_errors=${s.batch_send_errors} events_lost=${s.events_lost}`);
    return s;
  }
}
