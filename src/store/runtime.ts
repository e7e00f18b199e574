// The runtime baseline per sandbox image id (src/differ/runtime.ts): learned
// by a runner's control install, reported with finishes, applied beneath
// every package's baseline. Rows are only added: an image id names one
// immutable image, and a new image is a new id.
import type { Kysely, Transaction } from "kysely";
import type { Selectable } from "kysely";
import type { DB, RuntimeBaselineTable } from "./schema.ts";
import { fingerprintKey } from "../differ/types.ts";
import type { RuntimeFingerprint } from "../differ/runtime.ts";
import { bulkInsert } from "./bulk.ts";
import { phaseOfActor } from "../differ/phase.ts";

type Db = Kysely<DB> | Transaction<DB>;

export async function saveRuntimeBaseline(db: Db, imageId: string, fps: readonly RuntimeFingerprint[], by: string, at = Date.now()): Promise<void> {
  const rows = fps.map((f) => ({ image_id: imageId, category: f.category, actor: f.actor, value: f.value, learned_at: at, learned_by: by, phase: phaseOfActor(f.actor) }));
  await bulkInsert(db, "runtime_baseline", rows, 500, (d, r) =>
    d.insertInto("runtime_baseline").values(r as never).onConflict((oc) => oc.columns(["image_id", "category", "actor", "value"]).doNothing()),
  );
}

export async function runtimeKeys(db: Db, imageId: string | null | undefined): Promise<Set<string>> {
  if (!imageId) return new Set();
  const rows = await db.selectFrom("runtime_baseline").select(["category", "actor", "value"]).where("image_id", "=", imageId).execute();
  return new Set(rows.map(fingerprintKey));
}

export async function listRuntimeBaseline(db: Db, imageId?: string): Promise<Selectable<RuntimeBaselineTable>[]> {
  let q = db.selectFrom("runtime_baseline").selectAll();
  if (imageId) q = q.where("image_id", "like", `${imageId.replace(/[%_]/g, "")}%`);
  return q.orderBy("image_id").orderBy("category").orderBy("actor").orderBy("value").execute();
}
