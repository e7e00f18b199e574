// Memo for the expensive read-mostly answers (/v1/pending, /v1/overview): a
// GROUP BY over every open deviation costs ~5 ms, and under 50 concurrent
// clients those milliseconds queue up. An entry is valid while nothing has
// been written: writes by this process move the store's write generation
// (its one write hook, store/db.ts), writes by another process (the CLI
// promoting or allowlisting on the database directly) change SQLite's
// `PRAGMA data_version`. Nothing else needs to say "something changed". Postgres is not
// memoized (no cheap equivalent; its reads run in parallel anyway).
import { sql } from "kysely";
import type { Store } from "../store/index.ts";

const MAX_ENTRIES = 256;

export class ReadCache {
  readonly #entries = new Map<string, { gen: string; value: unknown }>();

  async get<T>(db: Store, key: string, compute: () => Promise<T>): Promise<T> {
    if (db.dialectName !== "sqlite") return compute();
    const local = db.writeGeneration();
    const dv = (await sql<{ data_version: number }>`PRAGMA data_version`.execute(db)).rows[0]?.data_version;
    const gen = `${dv}:${local}`;
    const hit = this.#entries.get(key);
    if (hit && hit.gen === gen) return hit.value as T;
    const value = await compute();
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    this.#entries.set(key, { gen, value });
    return value;
  }
}
