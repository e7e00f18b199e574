// The read cache forgets exactly when something was written: by this process
// (the store's write hook, whoever wrote) or by another one (SQLite's
// data_version, as when the CLI promotes on the database directly).
import { expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ReadCache } from "./read_cache.ts";
import { openMigrated } from "../store/index.ts";
import { addAllow } from "../store/allowlist.ts";
import { insertEvents } from "../store/events.ts";
import { enqueueScan } from "../store/runs.ts";

test("a write by this process or by another one invalidates; a read does not", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "fangs-cache-")), "fangs.db");
  const db = await openMigrated(path);
  const other = await openMigrated(path);
  try {
    const cache = new ReadCache();
    let computed = 0;
    const read = () => cache.get(db, "k", async () => ++computed);
    expect(await read()).toBe(1);
    expect(await read()).toBe(1);
    await db.selectFrom("allowlist").selectAll().execute();
    expect(await read()).toBe(1);
    await addAllow(db, { kind: "sni", value: "cache.example" }, "test");
    expect(await read()).toBe(2);
    // A precompiled bulk insert (1000-row chunks) goes around the query builder: its changed rows count.
    const run = await enqueueScan(db, { package: "p", version: "1.0.0", source: "manual", actor: "test" });
    expect(await read()).toBe(3);
    const events = Array.from({ length: 1000 }, (_, i) => ({ seq: i, kind: "exec", ts_ns: i, pid: 1, comm: "sh", filename: "/bin/sh", argv: [] }) as never);
    await insertEvents(db, run.id, events);
    expect(await read()).toBe(4);
    await addAllow(other, { kind: "sni", value: "other.example" }, "test");
    expect(await read()).toBe(5);
    expect(await read()).toBe(5);
  } finally {
    await db.destroy();
    await other.destroy();
  }
});
