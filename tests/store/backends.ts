// One test body, every backend: a fresh SQLite file and a fresh PostgreSQL
// database (created per call on the server FANGS_TEST_PG_URL points at).
// A missing PostgreSQL is a failure, never a skip.
import { afterAll, describe } from "bun:test";
import { join } from "node:path";
import pg from "pg";
import { openMigrated, type Store } from "../../src/store/index.ts";
import { pgUrl, tempDir } from "../lib/env.ts";

export type Backend = { name: "sqlite" | "postgres"; open: () => Promise<Store> };

const created: { admin: string; db: string }[] = [];
const stores: Store[] = [];

async function freshPostgres(): Promise<Store> {
  const admin = pgUrl();
  const name = `fangs_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  created.push({ admin, db: name });
  const u = new URL(admin);
  u.pathname = "/" + name;
  const s = await openMigrated(u.toString());
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
  for (const { admin, db } of created.splice(0)) {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => {});
    await c.end();
  }
});
