// run_fingerprints: what one run did, stored unfiltered (allowlists are
// applied when comparing and promoting, so a later allowlist change can be
// honoured without the raw events, which expire).
import type { Kysely, Transaction } from "kysely";
import type { DB } from "./schema.ts";
import type { Category, Fingerprint } from "../differ/types.ts";
import { bulkInsert } from "./bulk.ts";
import { phaseOfActor } from "../differ/phase.ts";

type Db = Kysely<DB> | Transaction<DB>;
const CHUNK = 1000;

export async function replaceRunFingerprints(db: Db, runId: string, fps: readonly Fingerprint[]): Promise<void> {
  await db.deleteFrom("run_fingerprints").where("run_id", "=", runId).execute();
  const rows = fps.map((f) => ({ run_id: runId, category: f.category, actor: f.actor, value: f.value, evidence_seq: f.evidenceSeq, phase: phaseOfActor(f.actor) }));
  await bulkInsert(db, "run_fingerprints", rows, CHUNK, (d, r) => d.insertInto("run_fingerprints").values(r as never));
}

export async function loadRunFingerprints(db: Db, runId: string): Promise<Fingerprint[]> {
  const rows = await db.selectFrom("run_fingerprints").select(["category", "actor", "value", "evidence_seq"]).where("run_id", "=", runId).execute();
  return rows.map((r) => ({ category: r.category as Category, actor: r.actor, value: r.value, evidenceSeq: r.evidence_seq }));
}
