// Memo for the expensive read-mostly answers (/v1/pending, /v1/overview): a
// GROUP BY over every open deviation costs ~5 ms, and under 50 concurrent
// clients those milliseconds queue up. An entry is valid while nothing has
// been written: writes by this process bump a local generation (every
// non-GET request), writes by another process (the CLI promoting or
// allowlisting) change SQLite's `PRAGMA data_version`. Postgres is not
// memoized (no cheap equivalent; its reads run in parallel anyway).
import { sql } from "kysely";
import type { Store } from "../store/index.ts";

const MAX_ENTRIES = 256;

export class ReadCache {
  #gen = 0;
  readonly #entries = new Map<string, { gen: string; value: unknown }>();

  /** Something may have changed: forget everything. */
  bump(): void {
    this.#gen++;
    this.#entries.clear();
  }

  async get<T>(db: Store, key: string, compute: () => Promise<T>): Promise<T> {
    if (db.dialectName !== "sqlite") return compute();
    const local = this.#gen;
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
