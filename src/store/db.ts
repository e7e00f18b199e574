// Opens the one database FANGS keeps: SQLite (bun:sqlite) by default, or
// PostgreSQL when the location is a postgres:// URL. Everything else in the
// code base talks to the returned Kysely instance only.
import { Database as SqliteDatabase } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import {
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  CompiledQuery,
  sql,
} from "kysely";
import pg from "pg";
import type { DB } from "./schema.ts";
import { FangsError } from "../core/errors.ts";

export type Store = Kysely<DB> & {
  readonly dialectName: "sqlite" | "postgres";
  readonly location: string;
  /** How many writes this process has made through this store (the write hook below). */
  writeGeneration(): number;
};

// The one place this process's writes are noticed: every INSERT, UPDATE,
// DELETE that completes, and any other statement that reports changed rows
// (raw SQL, a precompiled bulk insert), bumps the generation, whoever issued it (a service, the watcher, the pruner, the
// runner protocol). Read caches key on it (orchestrator/read_cache.ts), and on
// SQLite's PRAGMA data_version for writes made by another process (the CLI
// working on the database directly). A rolled-back write bumps it too: one
// needless re-read, never a stale one.
const WRITES = new Set(["InsertQueryNode", "UpdateQueryNode", "DeleteQueryNode", "MergeQueryNode"]);

class WriteHook implements KyselyPlugin {
  generation = 0;
  readonly #writing = new WeakSet<object>();
  transformQuery(a: PluginTransformQueryArgs): RootOperationNode {
    if (WRITES.has(a.node.kind)) this.#writing.add(a.queryId);
    return a.node;
  }
  async transformResult(a: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (this.#writing.has(a.queryId) || (a.result.numAffectedRows ?? 0n) > 0n) this.generation++;
    return a.result;
  }
}

export const DEFAULT_DB_PATH = "var/lib/fangs/fangs.db";

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** Open (and create, for SQLite) the database at `location`. */
export function openStore(location: string): Store {
  const hook = new WriteHook();
  const db = (isPostgresUrl(location) ? openPostgres(location) : openSqlite(location)).withPlugin(hook);
  return Object.assign(db, {
    dialectName: isPostgresUrl(location) ? ("postgres" as const) : ("sqlite" as const),
    location,
    writeGeneration: () => hook.generation,
  });
}

function openSqlite(path: string): Kysely<DB> {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  let raw: SqliteDatabase;
  try {
    raw = new SqliteDatabase(path, { create: true, strict: false });
    // Order matters: busy_timeout first so that switching to WAL waits for a
    // concurrent writer instead of failing; NORMAL is durable enough under WAL.
    raw.exec("PRAGMA busy_timeout = 10000");
    raw.exec("PRAGMA journal_mode = WAL");
    raw.exec("PRAGMA synchronous = NORMAL");
    raw.exec("PRAGMA foreign_keys = ON");
    // SQLite's default page cache is 2 MiB: writing a big run's fingerprints
    // (70,000 rows, each also in the primary-key index) spills it and halves
    // the write speed. 64 MiB is a ceiling, not an allocation.
    raw.exec("PRAGMA cache_size = -65536");
    raw.query("SELECT count(*) FROM sqlite_master").get();
  } catch (e) {
    throw new FangsError(`cannot open database ${path}: ${(e as Error).message}`, {
      hint: "check the path and permissions, or restore the file from a backup (fangs db backup)",
    });
  }
  return new Kysely<DB>({
    dialect: new (class extends SqliteDialect {
      override createDriver(): Driver {
        return new SerializedSqliteDriver({ database: withStatementCache(raw) as never }, raw);
      }
    })({ database: raw as never }),
  });
}

// kysely's SQLite connection prepares every statement anew, and parsing a
// 1000-row insert costs milliseconds (half the time of a bulk event insert):
// keep the most recently used statements. Connection use is serialized, so a
// cached statement is never run twice at once.
function withStatementCache(raw: SqliteDatabase, max = 64) {
  const cache = new Map<string, ReturnType<SqliteDatabase["prepare"]>>();
  return {
    prepare(sql: string) {
      let st = cache.get(sql);
      if (st) cache.delete(sql);
      else st = raw.prepare(sql);
      cache.set(sql, st);
      if (cache.size > max) {
        const [oldest, old] = cache.entries().next().value!;
        cache.delete(oldest);
        old.finalize();
      }
      return st;
    },
    close: () => raw.close(),
  };
}

// kysely's SqliteDriver hands out one shared connection with no lock, and
// begins transactions with a plain BEGIN. Two interleaved transactions on one
// connection would corrupt each other, and a deferred BEGIN lets two
// processes (CLI + server) deadlock into SQLITE_BUSY: serialize connection use
// inside the process and take the write lock up front.
class SerializedSqliteDriver extends SqliteDriver {
  #queue: Promise<void> = Promise.resolve();
  #release: (() => void) | undefined;

  constructor(config: ConstructorParameters<typeof SqliteDriver>[0], private readonly raw: SqliteDatabase) {
    super(config);
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    const prev = this.#queue;
    let release!: () => void;
    this.#queue = new Promise<void>((r) => (release = r));
    await prev;
    this.#release = release;
    return super.acquireConnection();
  }

  override async releaseConnection(): Promise<void> {
    const r = this.#release;
    this.#release = undefined;
    r?.();
  }

  override async beginTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw("begin immediate"));
  }

  // SQLite rolls a transaction back by itself on some errors (SQLITE_FULL,
  // SQLITE_IOERR, SQLITE_NOMEM): a second ROLLBACK would then fail with
  // "cannot rollback - no transaction is active" and mask the first error.
  override async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    if (!this.raw.inTransaction) return;
    await super.rollbackTransaction(conn);
  }
}

function openPostgres(url: string): Kysely<DB> {
  // BIGINT and NUMERIC come back as strings by default; every BIGINT we store
  // (ms timestamps, counters, ns times) fits a double.
  pg.types.setTypeParser(20, (v) => Number(v));
  pg.types.setTypeParser(1700, (v) => Number(v));
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

/** SQLite only: a transactionally consistent copy at `dest` (VACUUM INTO) while others keep writing. */
export async function backupSqlite(db: Store, dest: string): Promise<void> {
  await sql`VACUUM INTO ${dest}`.execute(db);
}
