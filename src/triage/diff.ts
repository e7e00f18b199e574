// The life of a verdict, in one place: when a run ends (orchestrator/finish.ts)
// or an operator re-diffs it, load what the store knows → decide (pure,
// decide.ts) → persist it, with its audit record, in one transaction.
import type { Kysely } from "kysely";
import type { DB, RunVerdict } from "../store/schema.ts";
import type { ConfigAllowEntry } from "../core/config.ts";
import { NotFoundError } from "../core/errors.ts";
import { getRun, setRunOutlived } from "../store/runs.ts";
import { baselineKeys } from "../store/baseline.ts";
import { runtimeKeys } from "../store/runtime.ts";
import { baselineHistory, persistVerdict } from "../store/verdicts.ts";
import { maxSeverity } from "../differ/compare.ts";
import { decideVerdict, type BaselineState } from "./decide.ts";
import { allowedFor, runFingerprints } from "./facts.ts";

export interface DiffOptions {
  /** clean-runs-to-promote: distinct releases a finding-free seed needs before it is trusted (differ/first_sight.ts). */
  cleanRunsToPromote?: number;
  /** Config-file allowlist entries, applied even before they are synced to the DB. */
  configAllow?: readonly ConfigAllowEntry[];
  actor?: string;
}

export interface DiffResult { verdict: RunVerdict; deviations: number; maxSeverity: string | null; issues?: string[] }

export async function diffRun(db: Kysely<DB>, runId: string, opts: DiffOptions = {}): Promise<DiffResult> {
  const { fingerprints, fresh, outlived } = await runFingerprints(db, runId);
  return db.transaction().execute(async (tx) => {
    if (outlived) await setRunOutlived(tx, runId, outlived);
    // Load: inside the transaction, so two runs of one package ending at
    // once see each other's baseline changes in order.
    const run = await getRun(tx, runId);
    if (!run) throw new NotFoundError(`run ${runId}`);
    const allowed = await allowedFor(tx, run, opts.configAllow);
    const d = decideVerdict({
      run,
      fingerprints,
      allowed,
      state: baselineState(await baselineHistory(tx, run.package, runId)),
      baselineKeys: await baselineKeys(tx, run.package),
      runtimeKeys: await runtimeKeys(tx, run.image_id),
      cleanRunsToPromote: Math.max(1, opts.cleanRunsToPromote ?? 1),
    });
    const result: DiffResult = { verdict: d.verdict, deviations: d.findings.length, maxSeverity: maxSeverity(d.findings), ...(d.issues.length ? { issues: d.issues } : {}) };
    const allowlisted = fingerprints.filter(allowed).length;
    await persistVerdict(tx, {
      run,
      fingerprints: fresh ? fingerprints : null,
      ...d,
      audit: { actor: opts.actor ?? "system:differ", action: d.audit, after: { ...result, fingerprints: fingerprints.length, allowlisted, is_baseline: d.isBaseline } },
    });
    return result;
  });
}

/** The baseline's state from the package's history (oldest first). */
export function baselineState(rows: ReadonlyArray<{ id: string; version: string; verdict: string | null; is_baseline: number }>): BaselineState {
  const seedRow = rows.find((r) => r.verdict === "seeded" || r.verdict === "seeded_with_findings") ?? rows.find((r) => r.is_baseline === 1);
  const clean = rows.filter((r) => r.verdict === "clean" && r.is_baseline !== 1);
  return {
    seed: seedRow ? { id: seedRow.id, version: seedRow.version, verdict: seedRow.verdict ?? "seeded" } : undefined,
    trusted: rows.some((r) => r.is_baseline === 1),
    cleanIds: clean.map((r) => r.id),
    cleanVersions: clean.map((r) => r.version),
  };
}
