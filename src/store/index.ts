// Opening the configured database. The threat model puts schema changes on
// the orchestrator's start-up path: `fangs serve` (and `fangs db migrate`)
// bring the schema up to date; every other command works on the schema it
// finds and refuses one that is behind ("start fangs serve or run fangs db
// migrate") rather than upgrading a database under a running orchestrator. A
// brand-new empty database is created at the current schema by any command.
// A schema newer than this executable is always refused: old code must not
// write it.
import { openStore, type Store } from "./db.ts";
import { appliedVersions, assertCurrent, migrate } from "./migrate.ts";

async function opened(location: string, prepare: (db: Store) => Promise<void>): Promise<Store> {
  const db = openStore(location);
  try {
    await prepare(db);
  } catch (e) {
    await db.destroy().catch(() => {});
    throw e;
  }
  return db;
}

/** The orchestrator's start-up path: migrate, then check. */
export function openMigrated(location: string): Promise<Store> {
  return opened(location, async (db) => {
    await migrate(db);
    await assertCurrent(db);
  });
}

/** Every other command: create a new database, never upgrade an existing one. */
export function openCurrent(location: string): Promise<Store> {
  return opened(location, async (db) => {
    if ((await appliedVersions(db)).length === 0) await migrate(db);
    await assertCurrent(db);
  });
}

export type { Store } from "./db.ts";
