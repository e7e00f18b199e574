// The one read the UI needs that has no storage function yet: the notifiers
// list (the notifier engineer's src/store/notifiers.ts may replace this).
import type { Kysely } from "kysely";
import type { DB } from "../../store/schema.ts";

export async function listNotifiers(db: Kysely<DB>) {
  const rows = await db.selectFrom("notifiers").selectAll().orderBy("name").execute();
  return rows.map((r) => ({ ...r, enabled: Number(r.enabled), created_at: Number(r.created_at) }));
}
