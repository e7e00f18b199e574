// Deviations: what a run did that its baseline had not seen.
import type { Kysely, Transaction } from "kysely";
import type { DB, Deviation } from "./schema.ts";
import type { FangsEvent } from "../events/types.ts";
import type { Finding } from "../differ/compare.ts";
import { newId, resolvePrefix } from "../core/ids.ts";
import { getEvent } from "./events.ts";
import { bulkInsert } from "./bulk.ts";
import { phaseOfActor } from "../differ/phase.ts";

type Db = Kysely<DB> | Transaction<DB>;
const CHUNK = 500;

export async function insertDeviations(db: Db, run: { id: string; package: string }, findings: readonly Finding[], at = Date.now()): Promise<void> {
  const rows = findings.map((f) => ({
    id: newId(), run_id: run.id, package: run.package, category: f.category, actor: f.actor, value: f.value,
    severity: f.severity, severity_rank: f.rank, reason: f.reason, evidence_seq: f.evidenceSeq, detected_at: at,
    cleared_at: null, cleared_by: null, phase: phaseOfActor(f.actor),
  }));
  await bulkInsert(db, "deviations", rows, CHUNK, (d, r) => d.insertInto("deviations").values(r as never));
}

export async function listDeviations(db: Db, opts: { runId: string; includeCleared?: boolean }): Promise<Deviation[]> {
  let q = db.selectFrom("deviations").selectAll().where("run_id", "=", opts.runId);
  if (!opts.includeCleared) q = q.where("cleared", "=", 0);
  return q.orderBy("severity_rank", "desc").orderBy("evidence_seq").execute();
}

export interface DeviationWithEvidence { deviation: Deviation; evidence: FangsEvent | null; pinned: boolean }

/** Open deviations of every run, newest first (the overview). */
export async function recentDeviations(db: Db, limit: number): Promise<Deviation[]> {
  return db.selectFrom("deviations").selectAll().where("cleared", "=", 0).orderBy("detected_at", "desc").orderBy("id").limit(limit).execute();
}

/** One deviation by full id; undefined when unknown. */
export async function getDeviationRow(db: Db, id: string): Promise<Deviation | undefined> {
  return db.selectFrom("deviations").selectAll().where("id", "=", id).executeTakeFirst();
}

/** One deviation (by full id) with its evidence event; undefined when unknown. */
export async function getDeviation(db: Db, id: string): Promise<DeviationWithEvidence | undefined> {
  const d = await getDeviationRow(db, id);
  if (!d) return undefined;
  const ev = await getEvent(db, d.run_id, d.evidence_seq);
  return { deviation: d, evidence: ev?.event ?? null, pinned: ev?.pinned ?? false };
}

export async function findDeviationByPrefix(db: Db, prefix: string): Promise<Deviation> {
  const rows = await db.selectFrom("deviations").selectAll().where("id", "like", `${prefix.toLowerCase().replace(/[%_]/g, "")}%`).limit(11).execute();
  return resolvePrefix("deviation", prefix, rows);
}

/** Clear a run's open deviations (promotion). Returns how many were cleared. */
export async function clearRunDeviations(db: Db, runId: string, by: string, at = Date.now()): Promise<number> {
  const r = await db.updateTable("deviations").set({ cleared: 1, cleared_at: at, cleared_by: by }).where("run_id", "=", runId).where("cleared", "=", 0).executeTakeFirst();
  return Number(r.numUpdatedRows);
}
