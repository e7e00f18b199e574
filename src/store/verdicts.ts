// What a verdict reads and writes beyond one entity: the package's baseline
// history as the triage core sees it, and the one write of a decided verdict
// (deviations, evidence pins, baseline merge, the run row, the audit record)
// inside the caller's transaction. The decision itself is src/triage/.
import type { Kysely, Transaction } from "kysely";
import type { DB, Run, RunVerdict } from "./schema.ts";
import type { Fingerprint } from "../differ/types.ts";
import type { Finding } from "../differ/compare.ts";
import { maxSeverity } from "../differ/compare.ts";
import { audit } from "./audit.ts";
import { pinDeviationEvidence } from "./events.ts";
import { mergeIntoBaseline } from "./baseline.ts";
import { clearRunDeviations, insertDeviations } from "./deviations.ts";
import { replaceRunFingerprints } from "./fingerprints.ts";

type Db = Kysely<DB> | Transaction<DB>;

/** The package's runs that bear on its baseline (seeds, clean runs, baseline runs), oldest first. */
export async function baselineHistory(db: Db, pkg: string, exceptRun: string) {
  return db
    .selectFrom("runs")
    .select(["id", "version", "verdict", "is_baseline", "created_at"])
    .where("package", "=", pkg)
    .where("id", "!=", exceptRun)
    .where((eb) => eb.or([eb("is_baseline", "=", 1), eb("verdict", "in", ["seeded", "seeded_with_findings", "clean"])]))
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

/** What the runner reported that the differ reads events with: the run's
 *  bait values (none for older runners) and its project directory. */
export async function runExtraction(db: Db, runId: string): Promise<{ bait: string[]; projectDir?: string }> {
  const r = await db.selectFrom("runs").select(["bait", "project_dir"]).where("id", "=", runId).executeTakeFirst();
  return { bait: parseBait(r?.bait), ...(r?.project_dir ? { projectDir: r.project_dir } : {}) };
}

function parseBait(text: string | null | undefined): string[] {
  if (!text) return [];
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

export interface VerdictWrite {
  run: Run;
  /** Fingerprints reduced from events on this first diff, to keep with the run (null: already stored). */
  fingerprints: readonly Fingerprint[] | null;
  verdict: RunVerdict;
  findings: readonly Finding[];
  issues: readonly string[];
  merge: readonly Fingerprint[] | null;
  isBaseline: boolean;
  alsoTrusted: readonly string[];
  audit: { actor: string; action: string; after: Record<string, unknown> };
}

/** Write a decided verdict. A re-diff replaces the run's previous open deviations. */
export async function persistVerdict(tx: Transaction<DB>, w: VerdictWrite, now = Date.now()): Promise<void> {
  const runId = w.run.id;
  if (w.fingerprints) await replaceRunFingerprints(tx, runId, w.fingerprints);
  await tx.deleteFrom("deviations").where("run_id", "=", runId).where("cleared", "=", 0).execute();
  if (w.findings.length) {
    await insertDeviations(tx, w.run, w.findings, now);
    await pinDeviationEvidence(tx, runId);
  }
  if (w.merge) await mergeIntoBaseline(tx, w.run.package, runId, w.merge, now);
  if (w.alsoTrusted.length) await tx.updateTable("runs").set({ is_baseline: 1 }).where("id", "in", [...w.alsoTrusted]).execute();
  await tx
    .updateTable("runs")
    .set({
      verdict: w.verdict,
      deviation_count: w.findings.length,
      max_severity: maxSeverity(w.findings),
      is_baseline: w.isBaseline ? 1 : 0,
      evidence_issues: w.issues.length ? JSON.stringify(w.issues) : null,
    })
    .where("id", "=", runId)
    .execute();
  await audit(tx, { actor: w.audit.actor, action: w.audit.action, target_kind: "run", target_id: runId, after: w.audit.after });
}

/** Write an operator's promote: merge, clear the run's open deviations, trust it. Returns how many were cleared. */
export async function persistPromotion(tx: Transaction<DB>, p: { run: Run; fingerprints: readonly Fingerprint[] | null; merge: readonly Fingerprint[] | null; actor: string; after: (cleared: number) => Record<string, unknown> }): Promise<number> {
  if (p.fingerprints) await replaceRunFingerprints(tx, p.run.id, p.fingerprints);
  if (p.merge) await mergeIntoBaseline(tx, p.run.package, p.run.id, p.merge);
  const cleared = await clearRunDeviations(tx, p.run.id, p.actor);
  await tx.updateTable("runs").set({ is_baseline: 1 }).where("id", "=", p.run.id).execute();
  await audit(tx, { actor: p.actor, action: "baseline.promote", target_kind: "baseline", target_id: p.run.id, before: { is_baseline: p.run.is_baseline === 1, verdict: p.run.verdict }, after: p.after(cleared) });
  return cleared;
}
