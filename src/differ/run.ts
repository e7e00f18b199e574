// Binds the pure differ to the store: one run's events in, its fingerprints,
// deviations, baseline changes and verdict out — all in one transaction.
import type { Kysely } from "kysely";
import type { DB, RunVerdict } from "../store/schema.ts";
import { NotFoundError } from "../core/errors.ts";
import { audit } from "../store/audit.ts";
import { loadRunEvents, pinEvents } from "../store/events.ts";
import { loadRunFingerprints, replaceRunFingerprints } from "../store/fingerprints.ts";
import { baselineKeys, mergeIntoBaseline } from "../store/baseline.ts";
import { insertDeviations } from "../store/deviations.ts";
import { allowRulesFor } from "../store/allowlist.ts";
import { extractFingerprints } from "./fingerprint.ts";
import { allowChecker, type AllowRule } from "./allow.ts";
import { findDeviations, maxSeverity } from "./compare.ts";
import type { ConfigAllowEntry } from "../core/config.ts";
import { runEvidence } from "./evidence.ts";

export interface DiffOptions {
  /** K consecutive zero-deviation runs before auto-promotion (1 = promote every clean run). */
  cleanRunsToPromote?: number;
  /** Config-file allowlist entries, applied even before they are synced to the DB. */
  configAllow?: readonly ConfigAllowEntry[];
  actor?: string;
}

export interface DiffResult { verdict: RunVerdict; deviations: number; maxSeverity: string | null; issues?: string[] }

export async function diffRun(db: Kysely<DB>, runId: string, opts: DiffOptions = {}): Promise<DiffResult> {
  const k = Math.max(1, opts.cleanRunsToPromote ?? 1);
  const actor = opts.actor ?? "system:differ";
  // Reading and reducing events happens outside the write transaction so the
  // database is locked only for the writes.
  // A re-diff works from the fingerprints stored the first time: by then
  // retention may have pruned all raw events but the pinned evidence.
  const stored = await loadRunFingerprints(db, runId);
  const fps = stored.length ? stored : extractFingerprints(await loadRunEvents(db, runId));
  return db.transaction().execute(async (tx) => {
    const run = await tx.selectFrom("runs").selectAll().where("id", "=", runId).executeTakeFirst();
    if (!run) throw new NotFoundError(`run ${runId}`);
    const now = Date.now();
    // Re-diffing a run replaces its previous result.
    await tx.deleteFrom("deviations").where("run_id", "=", runId).where("cleared", "=", 0).execute();
    if (!stored.length) await replaceRunFingerprints(tx, runId, fps);
    const rules: AllowRule[] = [...(await allowRulesFor(tx, run.package)), ...(opts.configAllow ?? [])];
    const allowed = allowChecker(rules, run.package);
    const kept = fps.filter((f) => !allowed(f));

    const seededBefore = await tx.selectFrom("runs").select("id").where("package", "=", run.package).where("is_baseline", "=", 1).where("id", "!=", runId).limit(1).executeTakeFirst();
    let result: DiffResult;
    let isBaseline = 0;
    // A re-diffed run that is already part of the baseline is not merged twice.
    const merge = (fps: typeof kept) => (run.is_baseline === 1 ? Promise.resolve() : mergeIntoBaseline(tx, run.package, runId, fps, now));
    // Incomplete evidence is still compared with the baseline (with none yet
    // there is nothing to compare) but never seeds, extends or auto-promotes
    // one: "incomplete" wins over every other verdict.
    const evidence = runEvidence(run);
    if (!evidence.complete) {
      const findings = seededBefore ? findDeviations(fps, await baselineKeys(tx, run.package), allowed) : [];
      await insertDeviations(tx, run, findings, now);
      await pinEvents(tx, runId, findings.map((f) => f.evidenceSeq));
      result = { verdict: "incomplete", deviations: findings.length, maxSeverity: maxSeverity(findings), issues: evidence.issues };
    } else if (!seededBefore) {
      await merge(kept);
      result = { verdict: "seeded", deviations: 0, maxSeverity: null };
      isBaseline = 1;
    } else {
      const findings = findDeviations(fps, await baselineKeys(tx, run.package), allowed);
      if (findings.length > 0) {
        await insertDeviations(tx, run, findings, now);
        await pinEvents(tx, runId, findings.map((f) => f.evidenceSeq));
        result = { verdict: "deviations", deviations: findings.length, maxSeverity: maxSeverity(findings) };
      } else {
        result = { verdict: "clean", deviations: 0, maxSeverity: null };
        const streak = await cleanStreak(tx, run.package, runId, run.created_at, k - 1);
        if (streak.length >= k - 1 || run.is_baseline === 1) {
          await merge(kept);
          isBaseline = 1;
          if (streak.length) await tx.updateTable("runs").set({ is_baseline: 1 }).where("id", "in", streak).execute();
        }
      }
    }
    if (run.is_baseline === 1) isBaseline = 1; // membership of the baseline is never taken back by a re-diff
    await tx.updateTable("runs").set({ verdict: result.verdict, deviation_count: result.deviations, max_severity: result.maxSeverity, is_baseline: isBaseline, evidence_issues: evidence.complete ? null : JSON.stringify(evidence.issues) }).where("id", "=", runId).execute();
    await audit(tx, {
      actor,
      action: result.verdict === "seeded" ? "baseline.seed" : isBaseline ? "baseline.autopromote" : "run.diff",
      target_kind: "run",
      target_id: runId,
      after: { ...result, fingerprints: fps.length, allowlisted: fps.length - kept.length, is_baseline: isBaseline === 1 },
    });
    return result;
  });
}

/**
 * The ids of the clean, not-yet-promoted runs immediately before this one
 * (newest first, at most `want`). A run with deviations breaks the streak.
 */
async function cleanStreak(tx: Kysely<DB>, pkg: string, runId: string, createdAt: number, want: number): Promise<string[]> {
  if (want <= 0) return [];
  const prev = await tx
    .selectFrom("runs")
    .select(["id", "verdict", "is_baseline"])
    .where("package", "=", pkg)
    .where("id", "!=", runId)
    .where("verdict", "is not", null)
    .where("created_at", "<=", createdAt)
    .orderBy("created_at", "desc")
    .limit(want)
    .execute();
  const out: string[] = [];
  for (const r of prev) {
    if (r.verdict !== "clean" || r.is_baseline === 1) break;
    out.push(r.id);
  }
  return out;
}
