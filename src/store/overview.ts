// The one place stored state is counted: the UI overview and `GET
// /v1/overview` (overviewNumbers) and the Prometheus gauges read at scrape
// time (orchestrator/metrics.ts) use these same queries, so they agree.
import type { Kysely, Transaction } from "kysely";
import type { DB } from "./schema.ts";

type Db = Kysely<DB> | Transaction<DB>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- builders of different tables
async function count(q: { executeTakeFirst(): Promise<any> }): Promise<number> {
  return Number((await q.executeTakeFirst())?.n ?? 0);
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one counter for every table
const n = (eb: any) => eb.fn.countAll().as("n");

export const countRunsQueued = (db: Db) => count(db.selectFrom("runs").select(n).where("status", "=", "queued"));
export const countNoInstallCode = (db: Db) => count(db.selectFrom("runs").select(n).where("verdict", "=", "no-install-code"));
export const countOpenDeviations = (db: Db) => count(db.selectFrom("deviations").select(n).where("cleared", "=", 0));
export const sumEventsDropped = (db: Db) => count(db.selectFrom("runs").select((eb) => eb.fn.sum<number>("events_dropped").as("n")));

async function grouped<K extends string>(rows: Promise<Array<{ k: K | null; n: unknown }>>): Promise<Map<K, number>> {
  return new Map((await rows).filter((r) => r.k !== null).map((r) => [r.k as K, Number(r.n)]));
}
export const runsByStatus = (db: Db) => grouped(db.selectFrom("runs").select((eb) => ["status as k", eb.fn.countAll<number>().as("n")]).groupBy("status").execute());
export const runsByVerdict = (db: Db) => grouped(db.selectFrom("runs").select((eb) => ["verdict as k", eb.fn.countAll<number>().as("n")]).where("verdict", "is not", null).groupBy("verdict").execute());
export const deliveriesByOutcome = (db: Db) => grouped(db.selectFrom("notifier_deliveries").select((eb) => ["outcome as k", eb.fn.countAll<number>().as("n")]).groupBy("outcome").execute());

/** Events lost over all stored runs, by level (differ/evidence.ts). */
export async function evidenceLosses(db: Db): Promise<Record<"ringbuf" | "read" | "decode" | "unrouted" | "unacked", number>> {
  const row = await db
    .selectFrom("runs")
    .select((eb) => [
      eb.fn.sum<number>("drops_ringbuf").as("ringbuf"),
      eb.fn.sum<number>("drops_read").as("read"),
      eb.fn.sum<number>("drops_decode").as("decode"),
      eb.fn.sum<number>("drops_unrouted").as("unrouted"),
      eb.fn.sum<number>("events_unacked").as("unacked"),
    ])
    .executeTakeFirst();
  return { ringbuf: Number(row?.ringbuf ?? 0), read: Number(row?.read ?? 0), decode: Number(row?.decode ?? 0), unrouted: Number(row?.unrouted ?? 0), unacked: Number(row?.unacked ?? 0) };
}

export async function overviewNumbers(db: Db) {
  const byStatus = await runsByStatus(db);
  return {
    packages_watched: await count(db.selectFrom("packages").select(n).where("watched", "=", 1)),
    packages_tracked: await count(
      db.selectFrom((eb) => eb.selectFrom("runs").select("package").union(eb.selectFrom("packages").select("name as package")).as("p")).select(n),
    ),
    runs_total: [...byStatus.values()].reduce((a, b) => a + b, 0),
    runs_on_baseline: await count(db.selectFrom("runs").select(n).where("is_baseline", "=", 1)),
    runs_queued: byStatus.get("queued") ?? 0,
    runs_running: byStatus.get("running") ?? 0,
    releases_no_install_code: await countNoInstallCode(db),
    deviations_open: await countOpenDeviations(db),
    packages_affected: await count(db.selectFrom("deviations").select((eb) => eb.fn.count("package").distinct().as("n")).where("cleared", "=", 0)),
    events_dropped_lifetime: await sumEventsDropped(db),
  };
}

export type OverviewNumbers = Awaited<ReturnType<typeof overviewNumbers>>;
