// Shared by the CLI tests: run dist/fangs asynchronously (so a Bun.serve fake
// registry in this process can answer it), and prepare databases through the
// real storage layer.
import { afterAll, beforeAll } from "bun:test";
import { join } from "node:path";
import { fangsBin, tempDir, type RunResult } from "../lib/env.ts";
import { openMigrated, type Store } from "../../src/store/index.ts";
import { enqueueScan } from "../../src/store/runs.ts";
import { insertEvents } from "../../src/store/events.ts";
import { diffRun } from "../../src/triage/diff.ts";
import { markFinished } from "../lib/runs.ts";
import { loadFixture } from "../fixtures/events/load.ts";

export async function fangsAsync(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<RunResult> {
  // A temp cwd and no inherited FANGS_* settings: only what the test says counts.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("FANGS_") || k === "FANGS_BIN"));
  const p = Bun.spawn([fangsBin(), ...args], { env: { ...base, ...env } as Record<string, string>, cwd: cwd ?? tempDir("fangs-cwd-"), stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, stdout, stderr };
}

/** A fresh SQLite path (the file does not exist yet). */
export function freshDb(): string {
  return join(tempDir("fangs-cli-"), "fangs.db");
}

export async function withStore<T>(path: string, fn: (db: Store) => Promise<T>): Promise<T> {
  const db = await openMigrated(path);
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

/** demo-pkg seeded from an honest run, then a malicious release diffed: 11 open deviations. */
export async function triageDb(): Promise<{ path: string; seedRun: string; badRun: string }> {
  const path = freshDb();
  return withStore(path, async (db) => {
    const scan = async (fixture: string, version: string) => {
      const r = await enqueueScan(db, { package: "demo-pkg", version, source: "manual", actor: "test" });
      await insertEvents(db, r.id, loadFixture(fixture));
      await markFinished(db, r.id);
      await diffRun(db, r.id);
      return r.id;
    };
    const seedRun = await scan("clean-1.0.0-a", "1.0.0");
    const badRun = await scan("malicious-1.0.1", "1.0.1");
    return { path, seedRun, badRun };
  });
}

/** The lines a failed command wrote: exactly one `Error:` line, maybe a `Try:` line. */
export function expectOneLineError(r: RunResult, pattern: RegExp): void {
  if (r.code === 0) throw new Error(`expected failure, got exit 0: ${r.stdout}`);
  const lines = r.stderr.trimEnd().split("\n");
  if (!lines[0].startsWith("Error: ") || !pattern.test(lines[0]) || lines.length > 2 || (lines[1] && !lines[1].startsWith("Try: "))) {
    throw new Error(`unexpected stderr (exit ${r.code}): ${JSON.stringify(r.stderr)}; wanted ${pattern}`);
  }
}

/**
 * A fake npm registry on loopback for the whole test file: serves these
 * packuments as JSON, 404 for any other path. `first` sees every request and
 * may answer it instead (a flaky registry, a request log). Returns the base
 * URL, known once beforeAll has run.
 */
export function packumentRegistry(packuments: Record<string, unknown>, first?: (req: Request, path: string) => Response | undefined): () => string {
  let server: ReturnType<typeof Bun.serve> | undefined;
  beforeAll(() => {
    server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch(req) {
        const path = new URL(req.url).pathname;
        const early = first?.(req, path);
        if (early) return early;
        const p = packuments[path];
        return p ? Response.json(p) : Response.json({ error: "Not found" }, { status: 404 });
      },
    });
  });
  afterAll(() => server?.stop(true));
  return () => `http://127.0.0.1:${server!.port}/`;
}
