// The embedded migration table (migrations.ts) and the migrations/ folder
// agree: every file is embedded once, in file-name order, with its own text,
// and every migration says why in a header comment.
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { MIGRATIONS } from "./migrations.ts";

const DIR = join(import.meta.dir, "../../migrations");

test("every file in migrations/ is embedded, in order, with its text", () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith(".sql")).sort();
  expect(MIGRATIONS.map((m) => `${m.version}.sql`)).toEqual(files);
  for (const m of MIGRATIONS) expect(m.sql).toBe(readFileSync(join(DIR, `${m.version}.sql`), "utf8"));
});

test("file names are NNNN_slug.sql and each begins with a comment saying why", () => {
  for (const m of MIGRATIONS) {
    expect(m.version).toMatch(/^\d{4}_[a-z0-9_]+$/);
    expect(m.sql.trimStart().startsWith("--")).toBe(true);
  }
});
