// One test body, every backend: a fresh SQLite file and a fresh PostgreSQL
// database (created per call on the server FANGS_TEST_PG_URL points at).
// A missing PostgreSQL is a failure, never a skip.
import { afterAll, describe } from "bun:test";
import { join } from "node:path";
import { openMigrated, type Store } from "../../src/store/index.ts";
import { tempDir } from "../lib/env.ts";
import { createTestDatabase, dropTestDatabase } from "../lib/postgres.ts";

export type Backend = { name: "sqlite" | "postgres"; open: () => Promise<Store> };

const created: string[] = [];
const stores: Store[] = [];

async function freshPostgres(): Promise<Store> {
  const url = await createTestDatabase("test");
  created.push(url);
  const s = await openMigrated(url);
  stores.push(s);
  return s;
}

async function freshSqlite(): Promise<Store> {
  const s = await openMigrated(join(tempDir("fangs-store-"), "fangs.db"));
  stores.push(s);
  return s;
}

export const BACKENDS: Backend[] = [
  { name: "sqlite", open: freshSqlite },
  { name: "postgres", open: freshPostgres },
];

/** describe() the same body once per backend. */
export function eachBackend(title: string, body: (open: () => Promise<Store>) => void): void {
  for (const b of BACKENDS) describe(`${title} [${b.name}]`, () => body(b.open));
}

afterAll(async () => {
  for (const s of stores.splice(0)) await s.destroy().catch(() => {});
  for (const url of created.splice(0)) await dropTestDatabase(url).catch(() => {});
}, 60_000); // dropping a dozen databases on a loaded machine outlasts the 5 s hook default
