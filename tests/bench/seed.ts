// For the read-side benchmarks: a migrated SQLite database in the directory
// `fangs serve` will use, opened raw so rows can be seeded straight in (they
// measure reads and rendering, not the differ).
import { Database } from "bun:sqlite";
import { fangsAsync } from "../orchestrator/lib.ts";
import { tempDir } from "../lib/env.ts";

export async function migratedBenchDb(prefix: string): Promise<{ dir: string; dbPath: string; raw: Database }> {
  const dir = tempDir(prefix);
  const dbPath = `${dir}/fangs.db`;
  const mig = await fangsAsync(["db", "migrate", "-db", dbPath, "-config", "/dev/null"]);
  if (mig.code !== 0) throw new Error(`migrate failed: ${mig.stderr}`);
  return { dir, dbPath, raw: new Database(dbPath) };
}

/** Fixed-width hex ids, the shape run and deviation ids have. */
export const hex = (n: number, w = 16) => n.toString(16).padStart(w, "0");
