// `fangs baseline promote`: accept a run as normal. Its stored fingerprints
// are re-filtered with the allowlists as they are now, merged into the
// baseline, the run is marked is_baseline and its open deviations cleared.
import type { Kysely } from "kysely";
import type { DB } from "../store/schema.ts";
import { FangsError } from "../core/errors.ts";
import { audit } from "../store/audit.ts";
import { loadRunEvents } from "../store/events.ts";
import { loadRunFingerprints, replaceRunFingerprints } from "../store/fingerprints.ts";
import { mergeIntoBaseline } from "../store/baseline.ts";
import { clearRunDeviations } from "../store/deviations.ts";
import { allowRulesFor } from "../store/allowlist.ts";
import { extractFingerprints } from "./fingerprint.ts";
import { allowChecker } from "./allow.ts";
import type { ConfigAllowEntry } from "../core/config.ts";

export interface PromoteResult { runId: string; package: string; merged: number; allowlisted: number; cleared: number }

export async function promoteRun(db: Kysely<DB>, runId: string, actor: string, opts: { configAllow?: readonly ConfigAllowEntry[] } = {}): Promise<PromoteResult> {
  // The run's fingerprints were stored unfiltered when it was diffed, so
  // "re-extracting with the allowlists applied" is filtering them with the
  // allowlists as they are now. The raw events are a fallback only: by now
  // retention may have kept just the pinned evidence.
  const stored = await loadRunFingerprints(db, runId);
  const fps = stored.length ? stored : extractFingerprints(await loadRunEvents(db, runId));
  return db.transaction().execute(async (tx) => {
    const run = await tx.selectFrom("runs").selectAll().where("id", "=", runId).executeTakeFirst();
    if (!run) throw new FangsError(`run ${runId} not found`, { hint: "fangs run list" });
    if (run.verdict === null) throw new FangsError(`run ${runId} has not been diffed yet (status ${run.status})`, { hint: "wait for the run to finish" });
    if (run.is_baseline === 1) throw new FangsError(`run ${runId} is already part of the ${run.package} baseline`, { hint: `fangs baseline list -package ${run.package}` });
    if (!stored.length) await replaceRunFingerprints(tx, runId, fps);
    const allowed = allowChecker([...(await allowRulesFor(tx, run.package)), ...(opts.configAllow ?? [])], run.package);
    const kept = fps.filter((f) => !allowed(f));
    // A seed's fingerprints went into the baseline when it was diffed (held
    // seeds too: used for deltas, untrusted until this promote).
    if (run.verdict !== "seeded" && run.verdict !== "seeded_with_findings") await mergeIntoBaseline(tx, run.package, runId, kept);
    const cleared = await clearRunDeviations(tx, runId, actor);
    await tx.updateTable("runs").set({ is_baseline: 1 }).where("id", "=", runId).execute();
    const result = { runId, package: run.package, merged: kept.length, allowlisted: fps.length - kept.length, cleared };
    await audit(tx, { actor, action: "baseline.promote", target_kind: "baseline", target_id: runId, before: { is_baseline: run.is_baseline === 1, verdict: run.verdict }, after: result });
    return result;
  });
}
