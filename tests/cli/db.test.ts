// `fangs db migrate` and `fangs db backup` from dist/fangs: the embedded
// migrations apply once and are recorded (SQLite and PostgreSQL), a second
// run is a no-op, a schema newer than the executable is refused; a backup
// taken while another process writes is a complete, consistent database.
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { Database } from "bun:sqlite";
import { expectOneLineError, fangsAsync, freshDb, withStore } from "./helpers.ts";
import { MIGRATIONS } from "../../src/store/migrations.ts";
import { createTestDatabase, dropTestDatabase } from "../lib/postgres.ts";
import { tempDir } from "../lib/env.ts";
import { enqueueScan } from "../../src/store/runs.ts";

const versions = MIGRATIONS.map((m) => m.version);
const pgDbs: string[] = [];
afterAll(async () => {
  for (const u of pgDbs) await dropTestDatabase(u).catch(() => {});
});

const backends: Array<[string, () => Promise<string>]> = [
  ["sqlite", async () => freshDb()],
  ["postgres", async () => {
    const u = await createTestDatabase("cli");
    pgDbs.push(u);
    return u;
  }],
];

describe.each(backends)("db migrate [%s]", (_name, fresh) => {
  test("applies every embedded migration once, records it, and a second run is a no-op", async () => {
    const db = await fresh();
    const first = await fangsAsync(["db", "migrate", "-db", db, "--json"]);
    expect(first.stderr).toBe("");
    expect(JSON.parse(first.stdout)).toEqual({ applied: versions, current: versions.at(-1) });
    const second = await fangsAsync(["db", "migrate", "-db", db, "--json"]);
    expect(JSON.parse(second.stdout)).toEqual({ applied: [], current: versions.at(-1) });
    expect((await fangsAsync(["db", "migrate", "-db", db])).stdout).toContain("nothing to do");
    await withStore(db, async (s) => {
      expect((await s.selectFrom("schema_migrations").select("version").orderBy("version").execute()).map((r) => r.version)).toEqual(versions);
    });
  });

  test("a schema newer than this executable is refused with one line", async () => {
    const db = await fresh();
    await withStore(db, (s) => s.insertInto("schema_migrations").values({ version: "9999_from_the_future", applied_at: Date.now() }).execute());
    expectOneLineError(await fangsAsync(["run", "list", "-db", db]), /schema 9999_from_the_future is newer than this fangs executable/);
  });
});

describe("a schema that is behind (SQLite)", () => {
  /** A database as the previous fangs left it: every migration but the newest. */
  function previousRelease(): string {
    const db = freshDb();
    const d = new Database(db);
    d.exec("CREATE TABLE schema_migrations (version TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)");
    for (const m of MIGRATIONS.slice(0, -1)) {
      d.exec(m.sql);
      d.run("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", [m.version, Date.now()]);
    }
    d.close();
    return db;
  }

  test("commands refuse it with the fix instead of upgrading it under a running orchestrator", async () => {
    const db = previousRelease();
    const newest = versions.at(-1)!;
    const r = await fangsAsync(["pending", "-db", db]);
    expectOneLineError(r, new RegExp(`schema is behind this fangs executable \\(1 migration pending: ${newest}\\)`));
    expect(r.stderr).toContain("Try: restart fangs serve (it migrates at start) or run fangs db migrate");
    expectOneLineError(await fangsAsync(["package", "add", "left-pad", "-skip-registry-validate", "-db", db]), /schema is behind/);
    const d = new Database(db);
    expect((d.query("SELECT version FROM schema_migrations ORDER BY version").all() as { version: string }[]).map((x) => x.version)).toEqual(versions.slice(0, -1));
    d.close();
  });

  test("fangs db migrate brings it up, then commands work", async () => {
    const db = previousRelease();
    const m = await fangsAsync(["db", "migrate", "-db", db, "--json"]);
    expect(JSON.parse(m.stdout)).toEqual({ applied: [versions.at(-1)], current: versions.at(-1) });
    const r = await fangsAsync(["pending", "-db", db, "--json"]);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  test("a brand-new database is created at the current schema by any command", async () => {
    const db = freshDb();
    expect((await fangsAsync(["pending", "-db", db, "--json"])).stdout.trim()).toBe("[]");
    const d = new Database(db);
    expect((d.query("SELECT version FROM schema_migrations ORDER BY version").all() as { version: string }[]).map((x) => x.version)).toEqual(versions);
    d.close();
  });
});

describe("db backup (SQLite)", () => {
  test("a copy taken while another process writes opens, passes integrity_check and holds the committed rows", async () => {
    const db = freshDb();
    await withStore(db, async (s) => {
      for (let i = 0; i < 50; i++) await enqueueScan(s, { package: "backup-pkg", version: `1.0.${i}`, source: "manual", actor: "test" });
    });
    // A writer in another process keeps committing while the backup runs.
    const writer = Bun.spawn(["bun", "-e", `
      const { Database } = require("bun:sqlite");
      const d = new Database(${JSON.stringify(db)}); d.exec("PRAGMA busy_timeout = 5000");
      const end = Date.now() + 1500;
      for (let i = 0; Date.now() < end; i++) d.run("INSERT INTO releases (package, version, discovered_at, source) VALUES ('busy-pkg', ?, 0, 'manual')", ["2." + i]);
    `], { stdout: "ignore", stderr: "pipe" });
    await Bun.sleep(200);
    const dest = join(tempDir("fangs-backup-"), "copy.db");
    const r = await fangsAsync(["db", "backup", dest, "-db", db]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(await writer.exited).toBe(0);
    const copy = new Database(dest, { readonly: true });
    expect(copy.query("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
    expect((copy.query("SELECT count(*) AS n FROM runs WHERE package = 'backup-pkg'").get() as { n: number }).n).toBe(50);
    expect((copy.query("SELECT version FROM schema_migrations ORDER BY version").all() as { version: string }[]).map((x) => x.version)).toEqual(versions);
    copy.close();
    // The destination is never overwritten.
    expectOneLineError(await fangsAsync(["db", "backup", dest, "-db", db]), /already exists; refusing to overwrite/);
  });

  test("PostgreSQL is pointed at pg_dump", async () => {
    const u = await createTestDatabase("cli");
    pgDbs.push(u);
    expectOneLineError(await fangsAsync(["db", "backup", join(tempDir("fangs-backup-"), "x.db"), "-db", u]), /db backup is for SQLite; for PostgreSQL use pg_dump/);
  });
});
