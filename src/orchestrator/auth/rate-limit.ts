// Per-runner token bucket on event ingest: a runner (or a stolen runner
// credential) cannot flood the database. Over the limit: 429 + Retry-After.
import type { MiddlewareHandler } from "hono";

export interface BucketOptions { ratePerSec: number; burst: number; now?: () => number }

export class TokenBuckets {
  #b = new Map<string, { tokens: number; at: number }>();
  readonly #now: () => number;
  constructor(readonly opts: BucketOptions) {
    if (!(opts.ratePerSec > 0) || !(opts.burst >= 1)) throw new Error("TokenBuckets: rate must be > 0 and burst >= 1");
    this.#now = opts.now ?? (() => performance.now());
  }

  /** Take `cost` tokens for `key`; when short, say how many seconds until they would be there. */
  take(key: string, cost = 1): { ok: true } | { ok: false; retryAfterS: number } {
    const now = this.#now();
    const b = this.#b.get(key) ?? { tokens: this.opts.burst, at: now };
    b.tokens = Math.min(this.opts.burst, b.tokens + ((now - b.at) / 1000) * this.opts.ratePerSec);
    b.at = now;
    this.#b.set(key, b);
    if (b.tokens >= cost) {
      b.tokens -= cost;
      return { ok: true };
    }
    return { ok: false, retryAfterS: Math.max(1, Math.ceil((cost - b.tokens) / this.opts.ratePerSec)) };
  }

  /** Forget idle keys (a bucket full again carries no state worth keeping). */
  sweep(): void {
    const now = this.#now();
    for (const [k, b] of this.#b) if (b.tokens + ((now - b.at) / 1000) * this.opts.ratePerSec >= this.opts.burst) this.#b.delete(k);
  }

  get size(): number {
    return this.#b.size;
  }
}

/** Default ingest limit (setting ingest-rate-limit): 100 batches/s sustained, bursts of 200 (a batch holds up to 5000 events). */
export const INGEST_RATE = { ratePerSec: 100, burst: 200 };

export function rateLimitByRunner(buckets: TokenBuckets): MiddlewareHandler {
  return async (c, next) => {
    const key = c.get("runnerId") ?? "anonymous";
    const r = buckets.take(key);
    if (!r.ok) {
      c.header("Retry-After", String(r.retryAfterS));
      return c.json({ error: `rate limit: too many event batches from runner ${key}`, retry_after_s: r.retryAfterS }, 429);
    }
    await next();
  };
}
