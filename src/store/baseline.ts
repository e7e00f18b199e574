// The rolling baseline per package. Never expires.
import type { Kysely, Transaction } from "kysely";
import { phaseOfActor } from "../differ/phase.ts";
import type { BaselineFingerprint, DB } from "./schema.ts";
import { fingerprintKey, type Fingerprint } from "../differ/types.ts";
import { bulkInsert } from "./bulk.ts";

type Db = Kysely<DB> | Transaction<DB>;
const CHUNK = 500;

export async function listBaseline(db: Db, pkg: string): Promise<BaselineFingerprint[]> {
  return db.selectFrom("baseline_fingerprints").selectAll().where("package", "=", pkg).orderBy("category").orderBy("actor").orderBy("value").execute();
}

export async function baselineKeys(db: Db, pkg: string): Promise<Set<string>> {
  const rows = await db.selectFrom("baseline_fingerprints").select(["category", "actor", "value"]).where("package", "=", pkg).execute();
  return new Set(rows.map(fingerprintKey));
}

/** Merge fingerprints into the baseline: new rows, or an occurrence_count bump. */
export async function mergeIntoBaseline(db: Db, pkg: string, runId: string, fps: readonly Fingerprint[], at = Date.now()): Promise<void> {
  const rows = fps.map((f) => ({
    package: pkg, category: f.category, actor: f.actor, value: f.value, occurrence_count: 1,
    first_seen_run: runId, last_seen_run: runId, first_seen_at: at, last_seen_at: at, phase: phaseOfActor(f.actor),
  }));
  await bulkInsert(db, "baseline_fingerprints:merge", rows, CHUNK, (d, r) =>
    d
      .insertInto("baseline_fingerprints")
      .values(r as never)
      .onConflict((oc) =>
        oc.columns(["package", "category", "actor", "value"]).doUpdateSet((eb) => ({
          occurrence_count: eb("baseline_fingerprints.occurrence_count", "+", 1),
          last_seen_run: eb.ref("excluded.last_seen_run"),
          last_seen_at: eb.ref("excluded.last_seen_at"),
        })),
      ),
  );
}
