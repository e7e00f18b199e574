// Raw kernel events of a run: the high-volume table. Inserts are multi-row
// and chunked (SQLite allows 32766 bound variables per statement; 8 columns ×
// 1000 rows stays well under it and under PostgreSQL's 65535).
import type { CompiledQuery, Kysely, Transaction } from "kysely";
import type { DB } from "./schema.ts";
import type { FangsEvent } from "../events/types.ts";

const ROWS_PER_INSERT = 1000;
const COLUMNS = ["run_id", "seq", "kind", "ts_ns", "pid", "comm", "body", "received_at"] as const;

// Building a 1000-row insert through kysely's query builder costs ~1.7 ms, a
// quarter of the insert itself. The full-chunk statement is therefore
// compiled once per dialect by kysely and re-executed with fresh parameters
// (same SQL text, so SQLite and PostgreSQL see one statement shape). The
// parameters are swapped into a copy of the compiled query rather than going
// through CompiledQuery.raw(), whose Object.freeze of an 8000-element array
// cost more than SQLite's insert itself.
const fullChunkQuery = new Map<unknown, CompiledQuery>();

function rowOf(runId: string, e: FangsEvent, now: number) {
  return { run_id: runId, seq: e.seq, kind: e.kind, ts_ns: e.ts_ns, pid: e.pid, comm: e.comm, body: JSON.stringify(e), received_at: now };
}

function insertQuery(db: Kysely<DB> | Transaction<DB>, rows: ReturnType<typeof rowOf>[]) {
  return db.insertInto("events").values(rows).onConflict((oc) => oc.columns(["run_id", "seq"]).doNothing());
}

/** Store events for a run; an event whose (run, seq) already exists is left
 *  as is. Returns how many rows were actually inserted (a re-sent event is
 *  not counted twice). */
export async function insertEvents(db: Kysely<DB> | Transaction<DB>, runId: string, events: readonly FangsEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const now = Date.now();
  let inserted = 0;
  const write = async (tx: Kysely<DB> | Transaction<DB>) => {
    const dialect = tx.getExecutor().adapter.constructor;
    for (let i = 0; i < events.length; i += ROWS_PER_INSERT) {
      const chunk = events.slice(i, i + ROWS_PER_INSERT);
      if (chunk.length < ROWS_PER_INSERT) {
        const r = await insertQuery(tx, chunk.map((e) => rowOf(runId, e, now))).executeTakeFirst();
        inserted += Number(r.numInsertedOrUpdatedRows ?? 0n);
        continue;
      }
      let compiled = fullChunkQuery.get(dialect);
      if (compiled === undefined) {
        compiled = insertQuery(tx, chunk.map((e) => rowOf(runId, e, now))).compile();
        fullChunkQuery.set(dialect, compiled);
      }
      const params: unknown[] = new Array(chunk.length * COLUMNS.length);
      let k = 0;
      for (const e of chunk) {
        params[k++] = runId; params[k++] = e.seq; params[k++] = e.kind; params[k++] = e.ts_ns;
        params[k++] = e.pid; params[k++] = e.comm; params[k++] = JSON.stringify(e); params[k++] = now;
      }
      const r = await tx.executeQuery({ ...compiled, parameters: params });
      inserted += Number(r.numAffectedRows ?? 0n);
    }
  };
  if (db.isTransaction) await write(db);
  else await db.transaction().execute(write);
  return inserted;
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

/** A stored event as the read API shows it (body still JSON text). */
export interface EventRow { seq: number; kind: string; ts_ns: number; pid: number; comm: string; body: string; pinned: number; received_at: number }
const ROW = ["seq", "kind", "ts_ns", "pid", "comm", "body", "pinned", "received_at"] as const;

/** One page of a run's events in seq order, optionally of one kind, after a seq. */
export async function listEventRows(db: Kysely<DB> | Transaction<DB>, runId: string, o: { kind?: string; after?: number; limit: number }): Promise<EventRow[]> {
  let q = db.selectFrom("events").select(ROW).where("run_id", "=", runId);
  if (o.kind) q = q.where("kind", "=", o.kind);
  if (o.after !== undefined) q = q.where("seq", ">", o.after);
  return q.orderBy("seq").limit(o.limit).execute();
}

export async function getEventRow(db: Kysely<DB> | Transaction<DB>, runId: string, seq: number): Promise<EventRow | undefined> {
  return db.selectFrom("events").select(ROW).where("run_id", "=", runId).where("seq", "=", seq).executeTakeFirst();
}

/** Mark evidence events so retention never prunes them. */
/** Keep the evidence of the run's deviations from retention: one statement, whatever their number. */
export async function pinDeviationEvidence(db: Kysely<DB> | Transaction<DB>, runId: string): Promise<void> {
  await db
    .updateTable("events")
    .set({ pinned: 1 })
    .where("run_id", "=", runId)
    .where("pinned", "=", 0)
    .where("seq", "in", (eb) => eb.selectFrom("deviations").select("evidence_seq").where("run_id", "=", runId))
    .execute();
}

/** Retention: delete raw events received before `cutoff` (ms), keeping pinned evidence. Returns how many went. */
export async function deleteUnpinnedEventsBefore(db: Kysely<DB>, cutoff: number): Promise<number> {
  const r = await db.deleteFrom("events").where("received_at", "<", cutoff).where("pinned", "=", 0).executeTakeFirst();
  return Number(r.numDeletedRows);
}
