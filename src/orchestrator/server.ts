// `fangs serve`: open and migrate the DB, sync the YAML allowlist, build the
// app, listen, start the background jobs (pruner, watcher, retention).
// SIGINT/SIGTERM: stop accepting, release long-polls, let in-flight requests
// and ticks finish their writes, close the DB, exit 0.
import type { Config } from "../core/config.ts";
import { openMigrated } from "../store/index.ts";
import { syncConfigAllowlist } from "../store/allowlist.ts";
import { createApp } from "./app.ts";
import { makeDeps, type AppDeps } from "./deps.ts";
import { startListener, type Listener } from "./listen.ts";
import { checkListenPolicy } from "./auth/listen-policy.ts";
import { startPruner } from "./pruner.ts";
import { startRetention } from "./retention.ts";
import { Watcher } from "./watcher.ts";
import { stderrLog, type Log } from "./log.ts";
import type { Ticker } from "./ticker.ts";
import { notifierHook } from "../notify/hook.ts";
import { auditHead } from "../store/audit_chain.ts";

export interface Orchestrator {
  deps: AppDeps;
  listener: Listener;
  /** Graceful stop; resolves when everything is written and closed. */
  shutdown(reason: string): Promise<void>;
}

export async function startOrchestrator(cfg: Config, log: Log = stderrLog()): Promise<Orchestrator> {
  const sec = {
    listen: cfg.listen,
    tlsCert: cfg["tls-cert"],
    tlsKey: cfg["tls-key"],
    tlsClientCa: cfg["tls-client-ca"],
    runnerToken: cfg["runner-token"],
    operatorToken: cfg["operator-token"],
    insecureListen: cfg["insecure-listen"],
  };
  checkListenPolicy(sec); // refuse an unsafe listener before touching the database
  const db = await openMigrated(cfg.db);
  try {
    await syncConfigAllowlist(db, cfg.allowlist);
  } catch (e) {
    await db.destroy();
    throw e;
  }
  const deps = makeDeps(db, cfg, log);
  const app = createApp(deps);
  let listener: Listener;
  try {
    // claim long-polls hold a request open up to claim-wait: keep the idle timeout above it.
    listener = await startListener(app.fetch, sec, { idleTimeoutS: Math.min(255, Math.ceil(cfg["claim-wait"]) + 30) });
  } catch (e) {
    await db.destroy();
    throw e;
  }
  deps.hooks.onDeviations.push(notifierHook(db, log, () => ({ baseUrl: listener.url }))); // notifiers (src/notify)
  const tickers: Ticker[] = [startPruner(deps)];
  const retention = startRetention(deps);
  if (retention) tickers.push(retention);
  const watcher = new Watcher(deps).start();
  log(`listening on ${listener.url} (db ${cfg.db.startsWith("postgres") ? "postgres" : cfg.db}, runner auth ${listener.runnerAuth}, registry ${cfg.registry}, poll every ${cfg["poll-interval"]}s)`);

  // The audit chain's head, written to the log (journald, not the database):
  // an anchor that `fangs audit verify -anchor` checks a rewrite against.
  const head = await auditHead(db);
  if (head.seq > 0) log(`audit chain head ${head.seq}:${head.hash} (fangs audit verify -anchor ${head.seq}:${head.hash})`);

  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string) =>
    (stopping ??= (async () => {
      log(`${reason}: shutting down`);
      deps.dispatch.close(); // pending claims answer 204 now
      await listener.close(); // stop accepting; in-flight requests complete
      await Promise.all([watcher.stop(), ...tickers.map((t) => t.stop())]);
      await Promise.all([...deps.background]);
      await db.destroy();
      log("stopped");
    })());
  return { deps, listener, shutdown };
}
