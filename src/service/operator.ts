// The service functions bound to one database and one actor, as the
// OperatorApi the CLI calls (the orchestrator's client is the other one).
import type { Store } from "../store/index.ts";
import type { ConfigAllowEntry } from "../core/config.ts";
import type { OperatorApi } from "../protocol/operator.ts";
import { setPackage, unwatchPackage, watchPackage } from "./packages.ts";
import { importPackages } from "./package_import.ts";
import { allowAdd, allowRemove } from "./allow.ts";
import { promote } from "./baseline.ts";
import { notifierAdd, notifierRemove, notifierSetEnabled } from "./notifiers.ts";

export interface Operator { actor: string; source: "cli" | "api"; defaultRegistry: string; configAllow: readonly ConfigAllowEntry[] }

export function localOperator(db: Store, who: Operator): OperatorApi {
  return {
    watchPackage: (b) => watchPackage(db, b, who),
    setPackage: (name, b) => setPackage(db, name, b, who),
    unwatchPackage: (name) => unwatchPackage(db, name, who.actor),
    importPackages: (b, onProgress) => importPackages(db, b, who, onProgress),
    allowAdd: (b) => allowAdd(db, b, { actor: who.actor, source: b.source ?? who.source }),
    allowRemove: (id) => allowRemove(db, id, who.actor),
    promote: (run) => promote(db, run, who),
    notifierAdd: (b) => notifierAdd(db, b, who.actor),
    notifierRemove: (name) => notifierRemove(db, name, who.actor),
    notifierSetEnabled: (name, enabled) => notifierSetEnabled(db, name, enabled, who.actor),
  };
}
