// Open the configured database and bring its schema up to date: what the
// orchestrator and every CLI command do first. A schema newer than this
// executable (a newer fangs migrated it) is refused: old code must not write it.
import { openStore, type Store } from "./db.ts";
import { assertCurrent, migrate } from "./migrate.ts";

export async function openMigrated(location: string): Promise<Store> {
  const db = openStore(location);
  try {
    await migrate(db);
    await assertCurrent(db);
  } catch (e) {
    await db.destroy().catch(() => {});
    throw e;
  }
  return db;
}

export type { Store } from "./db.ts";
