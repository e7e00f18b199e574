// A periodic job that never overlaps itself and that shutdown can stop and
// wait for (a tick in progress finishes its write before the DB closes).
import type { Log } from "./log.ts";

export class Ticker {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(
    readonly name: string,
    private readonly firstDelayMs: number,
    private readonly intervalMs: number,
    private readonly fn: () => Promise<void>,
    private readonly log: Log,
  ) {}

  start(): this {
    this.#schedule(this.firstDelayMs);
    return this;
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.fn()
        .catch((e) => this.log(`${this.name} failed: ${(e as Error).message}`))
        .finally(() => {
          this.#running = undefined;
          this.#schedule(this.intervalMs);
        });
    }, ms);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }
}
