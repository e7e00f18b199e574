// What the HTTP app needs, built once by server.ts (or by a test).
import type { Store } from "../store/index.ts";
import type { Config } from "../core/config.ts";
import { Dispatch } from "./dispatch.ts";
import { Hooks } from "./hooks.ts";
import { Metrics } from "./metrics.ts";
import { silentLog, type Log } from "./log.ts";
import { ReadCache } from "./read_cache.ts";
import { StorageHealth } from "./storage_health.ts";

export interface AppDeps {
  db: Store;
  cfg: Config;
  dispatch: Dispatch;
  hooks: Hooks;
  metrics: Metrics;
  log: Log;
  /** Memo for expensive reads, invalidated by any write (read_cache.ts). */
  reads: ReadCache;
  /** Work started by a request that outlives its response (the differ after
   * finish). Shutdown waits for it. */
  background: Set<Promise<unknown>>;
  /** When this orchestrator process started: silence from runners while it
   *  was down is not theirs (the pruner counts from here at the earliest). */
  startedAt: number;
  /** Whether the database takes writes (one log line when it stops, one when it is back). */
  storage: StorageHealth;
}

// runnerId is declared on hono's ContextVariableMap by auth/runner.ts.
export type AppEnv = { Variables: { runnerId: string | undefined } };

export function makeDeps(db: Store, cfg: Config, log: Log = silentLog): AppDeps {
  return {
    reads: new ReadCache(),
    db,
    cfg,
    dispatch: new Dispatch(),
    hooks: new Hooks(),
    metrics: new Metrics(db, () => cfg["runner-stale-after"] * 1000),
    log,
    background: new Set(),
    startedAt: Date.now(),
    storage: new StorageHealth(log),
  };
}

/** Track a background task so shutdown can wait for it. */
export function inBackground(d: AppDeps, p: Promise<unknown>): void {
  const t = p.catch((e) => d.log(`background task failed: ${(e as Error).message}`)).finally(() => d.background.delete(t));
  d.background.add(t);
}
