// Open the configured database and bring its schema up to date: what the
// orchestrator and every CLI command do first.
import { openStore, type Store } from "./db.ts";
import { migrate } from "./migrate.ts";

export async function openMigrated(location: string): Promise<Store> {
  const db = openStore(location);
  try {
    await migrate(db);
  } catch (e) {
    await db.destroy().catch(() => {});
    throw e;
  }
  return db;
}

export type { Store } from "./db.ts";
