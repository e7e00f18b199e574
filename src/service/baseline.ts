// Promote: an operator accepts a run as normal (src/triage/promote.ts decides
// and persists, audit included, in one transaction). The run is named by id
// or unique prefix, as the CLI takes it.
import type { Store } from "../store/index.ts";
import type { ConfigAllowEntry } from "../core/config.ts";
import { findRunByPrefix } from "../store/runs.ts";
import { promoteRun } from "../triage/promote.ts";
import type { PromoteResult } from "../protocol/operator.ts";

export async function promote(db: Store, runIdOrPrefix: string, who: { actor: string; configAllow: readonly ConfigAllowEntry[] }): Promise<PromoteResult> {
  const run = await findRunByPrefix(db, runIdOrPrefix);
  const r = await promoteRun(db, run.id, who.actor, { configAllow: who.configAllow });
  return { run_id: r.runId, package: r.package, version: run.version, merged_fingerprints: r.merged, allowlisted: r.allowlisted, cleared_deviations: r.cleared };
}
