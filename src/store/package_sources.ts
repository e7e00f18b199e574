// Which lockfile brought which package onto the watch list (`package import`).
import type { Kysely, Transaction } from "kysely";
import type { DB } from "./schema.ts";

type Db = Kysely<DB> | Transaction<DB>;

export interface PackageSource { package: string; source: string; locked_version: string | null; added_at: number }

/** package → the lockfiles it was imported from. */
export async function sourcesByPackage(db: Db): Promise<Map<string, string[]>> {
  const rows = await db.selectFrom("package_sources").select(["package", "source"]).orderBy("source").execute();
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.package, [...(out.get(r.package) ?? []), r.source]);
  return out;
}

export async function listSource(db: Db, source: string): Promise<PackageSource[]> {
  return db.selectFrom("package_sources").selectAll().where("source", "=", source).orderBy("package").execute();
}

/** Record (or refresh the pinned version of) package ← source. */
export async function putSource(db: Db, s: Omit<PackageSource, "added_at">): Promise<void> {
  await db
    .insertInto("package_sources")
    .values({ ...s, added_at: Date.now() })
    .onConflict((oc) => oc.columns(["package", "source"]).doUpdateSet({ locked_version: s.locked_version }))
    .execute();
}

export async function dropSource(db: Db, pkg: string, source: string): Promise<void> {
  await db.deleteFrom("package_sources").where("package", "=", pkg).where("source", "=", source).execute();
}
