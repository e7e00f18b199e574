// Raw kernel events of a run: the high-volume table. Inserts are multi-row
// and chunked (SQLite allows 32766 bound variables per statement; 9 columns ×
// 1000 rows stays well under it and under PostgreSQL's 65535).
import type { Kysely, Transaction } from "kysely";
import type { DB } from "./schema.ts";
import type { FangsEvent } from "../events/types.ts";

const ROWS_PER_INSERT = 1000;

/** Store events for a run; an event whose (run, seq) already exists is left as is. */
export async function insertEvents(db: Kysely<DB> | Transaction<DB>, runId: string, events: readonly FangsEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const now = Date.now();
  const write = async (tx: Kysely<DB> | Transaction<DB>) => {
    for (let i = 0; i < events.length; i += ROWS_PER_INSERT) {
      const rows = events.slice(i, i + ROWS_PER_INSERT).map((e) => ({
        run_id: runId,
        seq: e.seq,
        kind: e.kind,
        ts_ns: e.ts_ns,
        pid: e.pid,
        comm: e.comm,
        body: JSON.stringify(e),
        received_at: now,
      }));
      await tx.insertInto("events").values(rows).onConflict((oc) => oc.columns(["run_id", "seq"]).doNothing()).execute();
    }
  };
  if (db.isTransaction) await write(db);
  else await db.transaction().execute(write);
  return events.length;
}

/** All events of a run in seq order, decoded. */
export async function loadRunEvents(db: Kysely<DB> | Transaction<DB>, runId: string): Promise<FangsEvent[]> {
  const rows = await db.selectFrom("events").select("body").where("run_id", "=", runId).orderBy("seq").execute();
  return rows.map((r) => JSON.parse(r.body) as FangsEvent);
}

export async function getEvent(db: Kysely<DB> | Transaction<DB>, runId: string, seq: number): Promise<{ event: FangsEvent; pinned: boolean } | undefined> {
  const r = await db.selectFrom("events").select(["body", "pinned"]).where("run_id", "=", runId).where("seq", "=", seq).executeTakeFirst();
  return r ? { event: JSON.parse(r.body) as FangsEvent, pinned: r.pinned === 1 } : undefined;
}

/** Mark evidence events so retention never prunes them. */
export async function pinEvents(db: Kysely<DB> | Transaction<DB>, runId: string, seqs: readonly number[]): Promise<void> {
  const uniq = [...new Set(seqs)];
  for (let i = 0; i < uniq.length; i += ROWS_PER_INSERT) {
    await db.updateTable("events").set({ pinned: 1 }).where("run_id", "=", runId).where("seq", "in", uniq.slice(i, i + ROWS_PER_INSERT)).execute();
  }
}
