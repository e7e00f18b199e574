// The numbers the manual's UI overview lists, counted in the database.
import type { Kysely, Transaction } from "kysely";
import type { DB } from "./schema.ts";

type Db = Kysely<DB> | Transaction<DB>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- builders of different tables
async function count(q: { executeTakeFirst(): Promise<any> }): Promise<number> {
  return Number((await q.executeTakeFirst())?.n ?? 0);
}

export async function overviewNumbers(db: Db) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one counter for every table
  const n = (eb: any) => eb.fn.countAll().as("n");
  return {
    packages_watched: await count(db.selectFrom("packages").select(n).where("watched", "=", 1)),
    packages_tracked: await count(
      db.selectFrom((eb) => eb.selectFrom("runs").select("package").union(eb.selectFrom("packages").select("name as package")).as("p")).select(n),
    ),
    runs_total: await count(db.selectFrom("runs").select(n)),
    runs_on_baseline: await count(db.selectFrom("runs").select(n).where("is_baseline", "=", 1)),
    runs_queued: await count(db.selectFrom("runs").select(n).where("status", "=", "queued")),
    runs_running: await count(db.selectFrom("runs").select(n).where("status", "=", "running")),
    releases_no_install_code: await count(db.selectFrom("runs").select(n).where("verdict", "=", "no-install-code")),
    deviations_open: await count(db.selectFrom("deviations").select(n).where("cleared", "=", 0)),
    packages_affected: await count(db.selectFrom("deviations").select((eb) => eb.fn.count("package").distinct().as("n")).where("cleared", "=", 0)),
    events_dropped_lifetime: Number((await db.selectFrom("runs").select((eb) => eb.fn.sum<number>("events_dropped").as("n")).executeTakeFirst())?.n ?? 0),
  };
}

export type OverviewNumbers = Awaited<ReturnType<typeof overviewNumbers>>;
