// Versions FANGS decided to look at, with how each one's runs went.
import type { Kysely, Transaction } from "kysely";
import type { DB } from "./schema.ts";

type Db = Kysely<DB> | Transaction<DB>;

export interface ReleaseRow {
  package: string;
  version: string;
  discovered_at: number;
  source: string;
  runs: number;
  last_run_id: string | null;
}

export async function listReleases(db: Db, opts: { package?: string } = {}): Promise<ReleaseRow[]> {
  let q = db.selectFrom("releases").selectAll();
  if (opts.package) q = q.where("package", "=", opts.package);
  const rels = await q.orderBy("discovered_at", "desc").orderBy("version").execute();
  let rq = db.selectFrom("runs").select(["id", "package", "version", "created_at"]);
  if (opts.package) rq = rq.where("package", "=", opts.package);
  const runs = await rq.orderBy("created_at").execute();
  const by = new Map<string, { n: number; last: string }>();
  for (const r of runs) {
    const k = `${r.package}@${r.version}`;
    const cur = by.get(k);
    by.set(k, { n: (cur?.n ?? 0) + 1, last: r.id });
  }
  return rels.map((r) => {
    const s = by.get(`${r.package}@${r.version}`);
    return { ...r, runs: s?.n ?? 0, last_run_id: s?.last ?? null };
  });
}

/** FANGS already knows this release (queued, scanned or recorded once). */
export async function releaseKnown(db: Db, pkg: string, version: string): Promise<boolean> {
  return !!(await db.selectFrom("releases").select("version").where("package", "=", pkg).where("version", "=", version).executeTakeFirst());
}
