// Read queries the API serves that have no storage function elsewhere yet
// (run events paging, the pending queue, the overview numbers). Kept here,
// named by noun, so they can move into src/store/ without touching routes.
import type { Kysely } from "kysely";
import type { DB, Run, Deviation, Package, BaselineFingerprint } from "../store/schema.ts";

type Db = Kysely<DB>;

export async function runById(db: Db, id: string): Promise<Run | undefined> {
  return db.selectFrom("runs").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function runsList(db: Db, o: { package?: string; status?: Run["status"]; limit: number }): Promise<Run[]> {
  let q = db.selectFrom("runs").selectAll();
  if (o.package) q = q.where("package", "=", o.package);
  if (o.status) q = q.where("status", "=", o.status);
  return q.orderBy("created_at", "desc").orderBy("id", "desc").limit(o.limit).execute();
}

export async function runEvents(db: Db, runId: string, o: { kind?: string; after?: number; limit: number }) {
  let q = db.selectFrom("events").select(["seq", "kind", "ts_ns", "pid", "comm", "body", "pinned", "received_at"]).where("run_id", "=", runId);
  if (o.kind) q = q.where("kind", "=", o.kind);
  if (o.after !== undefined) q = q.where("seq", ">", o.after);
  return q.orderBy("seq").limit(o.limit).execute();
}

export async function eventBySeq(db: Db, runId: string, seq: number) {
  return db.selectFrom("events").select(["seq", "kind", "ts_ns", "pid", "comm", "body", "pinned", "received_at"]).where("run_id", "=", runId).where("seq", "=", seq).executeTakeFirst();
}

export async function runDeviations(db: Db, runId: string): Promise<Deviation[]> {
  return db.selectFrom("deviations").selectAll().where("run_id", "=", runId).orderBy("severity_rank", "desc").orderBy("category").orderBy("value").execute();
}

export async function deviationById(db: Db, id: string): Promise<Deviation | undefined> {
  return db.selectFrom("deviations").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function baselineOf(db: Db, pkg: string): Promise<BaselineFingerprint[]> {
  return db.selectFrom("baseline_fingerprints").selectAll().where("package", "=", pkg).orderBy("category").orderBy("actor").orderBy("value").execute();
}

export async function packagesList(db: Db): Promise<Array<Package & { runs: number; last_run_at: number | null }>> {
  const pkgs = await db.selectFrom("packages").selectAll().orderBy("name").execute();
  const stats = await db.selectFrom("runs").select((eb) => ["package", eb.fn.countAll<number>().as("runs"), eb.fn.max("created_at").as("last_run_at")]).groupBy("package").execute();
  const by = new Map(stats.map((s) => [s.package, s]));
  const out = pkgs.map((p) => ({ ...p, runs: Number(by.get(p.name)?.runs ?? 0), last_run_at: by.get(p.name)?.last_run_at ?? null }));
  // Packages scanned once (scan submit) but never watched are "tracked" too.
  for (const s of stats) {
    if (!pkgs.some((p) => p.name === s.package)) {
      out.push({ name: s.package, watched: 0, last_seen_version: null, added_at: 0, etag: null, last_modified: null, last_polled_at: null, poll_error: null, runs: Number(s.runs), last_run_at: s.last_run_at });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- builders of different tables
async function count(q: { executeTakeFirst(): Promise<any> }): Promise<number> {
  return Number((await q.executeTakeFirst())?.n ?? 0);
}

/** The numbers the manual's UI overview lists. */
export async function overviewNumbers(db: Db) {
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
    deviations_open: await count(db.selectFrom("deviations").select(n).where("cleared", "=", 0)),
    packages_affected: await count(db.selectFrom("deviations").select((eb) => eb.fn.count("package").distinct().as("n")).where("cleared", "=", 0)),
    events_dropped_lifetime: Number((await db.selectFrom("runs").select((eb) => eb.fn.sum<number>("events_dropped").as("n")).executeTakeFirst())?.n ?? 0),
  };
}

export async function recentDeviations(db: Db, limit: number): Promise<Deviation[]> {
  return db.selectFrom("deviations").selectAll().where("cleared", "=", 0).orderBy("detected_at", "desc").orderBy("id").limit(limit).execute();
}
