// Wakes long-polling claims when a scan is queued in this process. Scans
// queued by another process (the CLI's `package add` kickoff) are found by the
// claim loop's periodic re-check, so a missed wake-up only costs latency.
export class Dispatch {
  #waiters = new Set<() => void>();
  #closed = false;

  get closed(): boolean {
    return this.#closed;
  }

  /** Something was queued: every waiting claim looks again. */
  wake(): void {
    const ws = [...this.#waiters];
    this.#waiters.clear();
    for (const w of ws) w();
  }

  /** Resolve after `ms`, on wake(), on close(), or when `signal` aborts. */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.#closed || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.#waiters.delete(done);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.#waiters.add(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  /** Shutting down: release every waiting claim now (they answer 204). */
  close(): void {
    this.#closed = true;
    this.wake();
  }
}
