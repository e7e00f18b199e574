// What one run did, reduced to fingerprints and stored unfiltered (allowlists
// are applied when comparing and promoting, so a later allowlist change can be
// honoured without the raw events, which expire). Always read whole, by run:
// one JSON document per run (migration 0012), not one row per fingerprint.
import type { Kysely, Transaction } from "kysely";
import type { DB } from "./schema.ts";
import type { Category, Fingerprint } from "../differ/types.ts";

type Db = Kysely<DB> | Transaction<DB>;
type Stored = [category: string, actor: string, value: string, evidenceSeq: number];

export async function replaceRunFingerprints(db: Db, runId: string, fps: readonly Fingerprint[]): Promise<void> {
  const body = JSON.stringify(fps.map((f): Stored => [f.category, f.actor, f.value, f.evidenceSeq]));
  await db.deleteFrom("run_fingerprints").where("run_id", "=", runId).execute();
  await db
    .insertInto("run_fingerprint_sets")
    .values({ run_id: runId, count: fps.length, body })
    .onConflict((oc) => oc.column("run_id").doUpdateSet({ count: fps.length, body }))
    .execute();
}

export async function loadRunFingerprints(db: Db, runId: string): Promise<Fingerprint[]> {
  const set = await db.selectFrom("run_fingerprint_sets").select("body").where("run_id", "=", runId).executeTakeFirst();
  if (set) return (JSON.parse(set.body) as Stored[]).map(([category, actor, value, evidenceSeq]) => ({ category: category as Category, actor, value, evidenceSeq }));
  const rows = await db.selectFrom("run_fingerprints").select(["category", "actor", "value", "evidence_seq"]).where("run_id", "=", runId).execute();
  return rows.map((r) => ({ category: r.category as Category, actor: r.actor, value: r.value, evidenceSeq: Number(r.evidence_seq) }));
}
