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
import { findDeviations, maxSeverity, type Finding } from "./compare.ts";
import { firstSightFindings, seedTrusted, seedVerdict, withAbsolute } from "./first_sight.ts";
import { beyondRuntime } from "./runtime.ts";
import { runtimeKeys } from "../store/runtime.ts";
import type { ConfigAllowEntry } from "../core/config.ts";
import { runEvidence } from "./evidence.ts";

export interface DiffOptions {
  /** clean-runs-to-promote: distinct releases a finding-free seed needs before it is trusted (first_sight.ts). */
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
  const fps = stored.length ? stored : extractFingerprints(await loadRunEvents(db, runId), { bait: await runBait(db, runId) });
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

    const state = await baselineState(tx, run.package, runId);
    let result: DiffResult;
    let isBaseline = 0;
    // A run whose fingerprints are already in the baseline (a baseline run, or
    // a re-diffed seed) is not merged twice.
    const merged = run.is_baseline === 1 || run.verdict === "seeded" || run.verdict === "seeded_with_findings";
    const merge = (fps: typeof kept) => (merged ? Promise.resolve() : mergeIntoBaseline(tx, run.package, runId, fps, now));
    const record = async (findings: Finding[], verdict: DiffResult["verdict"]) => {
      await insertDeviations(tx, run, findings, now);
      await pinEvents(tx, runId, findings.map((f) => f.evidenceSeq));
      return { verdict, deviations: findings.length, maxSeverity: maxSeverity(findings) };
    };
    // Incomplete evidence is still judged (against the baseline, or by the
    // absolute first-sight rules when there is none yet or it is untrusted)
    // but never seeds, extends or auto-promotes one: "incomplete" wins over
    // every other verdict.
    const evidence = runEvidence(run);
    if (!evidence.complete) {
      let findings = state.seed ? findDeviations(fps, await baselineKeys(tx, run.package), allowed) : firstSightFindings(fps, allowed);
      if (state.seed && !state.trusted) findings = withAbsolute(findings, firstSightFindings(fps, allowed));
      result = { ...(await record(findings, "incomplete")), issues: evidence.issues };
    } else if (!state.seed) {
      // First sight (first_sight.ts): judged by absolute rules; the
      // fingerprints seed the baseline either way, for later deltas.
      const findings = firstSightFindings(fps, allowed);
      await merge(kept);
      if (seedVerdict(findings) === "seeded_with_findings") result = await record(findings, "seeded_with_findings");
      else {
        result = { verdict: "seeded", deviations: 0, maxSeverity: null };
        isBaseline = seedTrusted(k, run.version, []) ? 1 : 0;
      }
    } else {
      // The image's runtime baseline lies beneath the package's (runtime.ts).
      const beyond = beyondRuntime(fps, await runtimeKeys(tx, run.image_id));
      let findings = findDeviations(beyond, await baselineKeys(tx, run.package), allowed);
      if (!state.trusted) findings = withAbsolute(findings, firstSightFindings(fps, allowed));
      if (findings.length > 0) {
        result = await record(findings, "deviations");
      } else {
        result = { verdict: "clean", deviations: 0, maxSeverity: null };
        if (state.trusted) {
          await merge(kept);
          isBaseline = 1;
        } else if (state.seed.verdict === "seeded" && seedTrusted(k, state.seed.version, [...state.cleanVersions, run.version])) {
          // The finding-free seed has now been borne out by K distinct releases.
          await merge(kept);
          isBaseline = 1;
          await tx.updateTable("runs").set({ is_baseline: 1 }).where("id", "in", [state.seed.id, ...state.cleanIds]).execute();
        }
      }
    }
    if (run.is_baseline === 1) isBaseline = 1; // membership of the baseline is never taken back by a re-diff
    await tx.updateTable("runs").set({ verdict: result.verdict, deviation_count: result.deviations, max_severity: result.maxSeverity, is_baseline: isBaseline, evidence_issues: evidence.complete ? null : JSON.stringify(evidence.issues) }).where("id", "=", runId).execute();
    await audit(tx, {
      actor,
      action: result.verdict === "seeded" || result.verdict === "seeded_with_findings" ? "baseline.seed" : isBaseline ? "baseline.autopromote" : "run.diff",
      target_kind: "run",
      target_id: runId,
      after: { ...result, fingerprints: fps.length, allowlisted: fps.length - kept.length, is_baseline: isBaseline === 1 },
    });
    return result;
  });
}

/** The run's bait values (reported by the runner), or none. */
async function runBait(db: Kysely<DB>, runId: string): Promise<string[]> {
  const r = await db.selectFrom("runs").select("bait").where("id", "=", runId).executeTakeFirst();
  if (!r?.bait) return [];
  try {
    const v = JSON.parse(r.bait);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

interface BaselineState {
  /** The run that seeded the package's baseline (oldest), if any besides this one. */
  seed?: { id: string; version: string; verdict: string };
  /** An operator promoted a run, or a finding-free seed was borne out (some run is_baseline). */
  trusted: boolean;
  /** Clean runs since the seed that are not yet in the baseline (ids, versions). */
  cleanIds: string[];
  cleanVersions: string[];
}

async function baselineState(tx: Kysely<DB>, pkg: string, runId: string): Promise<BaselineState> {
  const rows = await tx
    .selectFrom("runs")
    .select(["id", "version", "verdict", "is_baseline", "created_at"])
    .where("package", "=", pkg)
    .where("id", "!=", runId)
    .where((eb) => eb.or([eb("is_baseline", "=", 1), eb("verdict", "in", ["seeded", "seeded_with_findings", "clean"])]))
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  const seedRow = rows.find((r) => r.verdict === "seeded" || r.verdict === "seeded_with_findings") ?? rows.find((r) => r.is_baseline === 1);
  const clean = rows.filter((r) => r.verdict === "clean" && r.is_baseline !== 1);
  return {
    seed: seedRow ? { id: seedRow.id, version: seedRow.version, verdict: seedRow.verdict ?? "seeded" } : undefined,
    trusted: rows.some((r) => r.is_baseline === 1),
    cleanIds: clean.map((r) => r.id),
    cleanVersions: clean.map((r) => r.version),
  };
}
