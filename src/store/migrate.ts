// Applies embedded migrations in order, each in its own transaction, recording
// each in schema_migrations. Applying twice is a no-op.
import { sql } from "kysely";
import type { Store } from "./db.ts";
import { MIGRATIONS } from "./migrations.ts";
import { FangsError } from "../core/errors.ts";

export interface MigrateResult {
  applied: string[];
  current: string | undefined;
}

async function ensureTable(db: Store): Promise<void> {
  await sql`CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`.execute(db);
}

export async function appliedVersions(db: Store): Promise<string[]> {
  await ensureTable(db);
  const rows = await db.selectFrom("schema_migrations").select("version").orderBy("version").execute();
  return rows.map((r) => r.version);
}

/** Split a migration file into statements (no procedural SQL in our files). */
function statements(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => !l.trimStart().startsWith("--"))
    .join("\n")
    .split(";")
    .map((s) => s.trim())
    .filter(Boolean);
}

export async function migrate(db: Store): Promise<MigrateResult> {
  const done = new Set(await appliedVersions(db));
  const applied: string[] = [];
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    try {
      await db.transaction().execute(async (trx) => {
        // A concurrent process may have applied it between our read and now.
        const again = await trx.selectFrom("schema_migrations").select("version").where("version", "=", m.version).executeTakeFirst();
        if (again) return;
        for (const s of statements(m.sql)) await sql.raw(s).execute(trx);
        await trx.insertInto("schema_migrations").values({ version: m.version, applied_at: Date.now() }).execute();
        applied.push(m.version);
      });
    } catch (e) {
      throw new FangsError(`migration ${m.version} failed and was rolled back: ${(e as Error).message}`, { cause: e });
    }
  }
  return { applied, current: MIGRATIONS.at(-1)?.version };
}

/** Refuse to work on a schema that is behind (or ahead of) this executable. */
export async function assertCurrent(db: Store): Promise<void> {
  const have = await appliedVersions(db);
  const known = new Set(MIGRATIONS.map((m) => m.version));
  const unknown = have.filter((v) => !known.has(v));
  if (unknown.length) throw new FangsError(`database schema ${unknown.join(", ")} is newer than this fangs executable`, { hint: "upgrade fangs" });
  const missing = MIGRATIONS.filter((m) => !have.includes(m.version));
  if (missing.length) {
    throw new FangsError(`database schema is behind this fangs executable (${missing.length} migration${missing.length === 1 ? "" : "s"} pending: ${missing.map((m) => m.version).join(", ")})`, {
      hint: "restart fangs serve (it migrates at start) or run fangs db migrate",
    });
  }
}
