// Throwaway PostgreSQL databases on the test server (FANGS_TEST_PG_URL), one
// per test file or backend run; a missing server is a failure, never a skip.
import pg from "pg";
import { pgUrl } from "./env.ts";

const TEST_DB = /^fangs_[a-z]+_[a-z0-9_]+$/;

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: pgUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Create an empty database named fangs_<prefix>_<random> and return its URL. */
export async function createTestDatabase(prefix: string): Promise<string> {
  const name = `fangs_${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  if (!TEST_DB.test(name)) throw new Error(`bad test database prefix ${JSON.stringify(prefix)}`);
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const u = new URL(pgUrl());
  u.pathname = "/" + name;
  return u.toString();
}

/** Drop a database createTestDatabase made (and nothing else), connections and all. */
export async function dropTestDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!TEST_DB.test(name)) throw new Error(`refusing to drop ${name}: not a test database`);
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}
