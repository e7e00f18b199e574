// The runner pool: registration, heartbeats, listing. State transitions that
// touch runs as well (claim, prune, re-register failing a held run) live in
// src/store/queue.ts so that every run status change is in one file.
import type { Kysely, Transaction } from "kysely";
import type { DB, Runner } from "./schema.ts";

type Db = Kysely<DB> | Transaction<DB>;

export async function getRunner(db: Db, id: string): Promise<Runner | undefined> {
  return db.selectFrom("runners").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function listRunners(db: Db): Promise<Runner[]> {
  return db.selectFrom("runners").selectAll().orderBy("id").execute();
}

/** Runners whose last heartbeat is newer than `since` (ms). */
export async function countAliveRunners(db: Db, since: number): Promise<number> {
  const r = await db.selectFrom("runners").select((eb) => eb.fn.countAll<number>().as("n")).where("last_heartbeat_at", ">=", since).executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function touchRunner(db: Db, id: string, now = Date.now()): Promise<boolean> {
  const r = await db.updateTable("runners").set({ last_heartbeat_at: now }).where("id", "=", id).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
