// `fangs baseline promote` (and the UI's promote, and the API's): an operator
// accepts a run as normal. Load → decide → persist like a verdict: its
// fingerprints, re-filtered with the allowlists as they are now, go into the
// baseline, the run becomes trusted and its open deviations are cleared.
import type { Kysely } from "kysely";
import type { DB, Run } from "../store/schema.ts";
import type { ConfigAllowEntry } from "../core/config.ts";
import type { Fingerprint } from "../differ/types.ts";
import type { AllowCheck } from "../differ/allow.ts";
import { FangsError } from "../core/errors.ts";
import { getRun } from "../store/runs.ts";
import { persistPromotion } from "../store/verdicts.ts";
import { allowedFor, runFingerprints } from "./facts.ts";

export interface PromoteResult { runId: string; package: string; merged: number; allowlisted: number; cleared: number }

/** Pure: may this run be promoted, and what goes into the baseline? */
export function decidePromotion(run: Run, runId: string, fps: readonly Fingerprint[], allowed: AllowCheck): { merge: Fingerprint[] | null; kept: number } {
  if (run.verdict === null) throw new FangsError(`run ${runId} has not been diffed yet (status ${run.status})`, { hint: "wait for the run to finish" });
  if (run.is_baseline === 1) throw new FangsError(`run ${runId} is already part of the ${run.package} baseline`, { hint: `fangs baseline list -package ${run.package}` });
  const kept = fps.filter((f) => !allowed(f));
  // A seed's fingerprints went into the baseline when it was diffed (held
  // seeds too: used for deltas, untrusted until this promote).
  const seeded = run.verdict === "seeded" || run.verdict === "seeded_with_findings";
  return { merge: seeded ? null : kept, kept: kept.length };
}

export async function promoteRun(db: Kysely<DB>, runId: string, actor: string, opts: { configAllow?: readonly ConfigAllowEntry[] } = {}): Promise<PromoteResult> {
  const { fingerprints, fresh } = await runFingerprints(db, runId);
  return db.transaction().execute(async (tx) => {
    const run = await getRun(tx, runId);
    if (!run) throw new FangsError(`run ${runId} not found`, { hint: "fangs run list" });
    const d = decidePromotion(run, runId, fingerprints, await allowedFor(tx, run, opts.configAllow));
    const base = { runId, package: run.package, merged: d.kept, allowlisted: fingerprints.length - d.kept };
    const cleared = await persistPromotion(tx, { run, fingerprints: fresh ? fingerprints : null, merge: d.merge, actor, after: (cleared) => ({ ...base, cleared }) });
    return { ...base, cleared };
  });
}
