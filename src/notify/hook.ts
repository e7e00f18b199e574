// The orchestrator's onDeviations hook: notify every target, log one line per
// target that did not get the message (the details are in notifier_deliveries).
import type { Kysely } from "kysely";
import type { DB, Run } from "../store/schema.ts";
import { notifyRun, type DispatchOptions } from "./dispatch.ts";

export function notifierHook(db: Kysely<DB>, log: (msg: string) => void, opts: () => DispatchOptions): (run: Run) => Promise<void> {
  return async (run) => {
    for (const r of await notifyRun(db, run, opts())) {
      if (r.result.outcome === "failed") log(`notifier ${r.notifier}: run ${run.id} not delivered after ${r.result.attempts} attempt(s): ${r.result.error}`);
    }
  };
}
