// What integration tests need from the machine. Nothing here skips: a missing
// capability is a loud failure (scripts/test-all installs and starts it all).
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const REPO = resolve(import.meta.dir, "../..");

/** The compiled executable under test (built by scripts/test-all). */
export function fangsBin(): string {
  const p = process.env.FANGS_BIN ?? join(REPO, "dist/fangs");
  if (!existsSync(p)) throw new Error(`${p} missing: build it first (bun run build.ts)`);
  return p;
}

export function pgUrl(): string {
  const u = process.env.FANGS_TEST_PG_URL;
  if (!u) throw new Error("FANGS_TEST_PG_URL is not set: start PostgreSQL with scripts/services");
  return u;
}

export function tempDir(prefix = "fangs-test-"): string {
  return mkdtempSync(join(process.env.FANGS_TEST_TMP ?? tmpdir(), prefix));
}

export interface RunResult { code: number; stdout: string; stderr: string }

/** Run dist/fangs with args; never throws on a non-zero exit. */
export function fangs(args: string[], opts: { env?: Record<string, string>; cwd?: string; stdin?: string } = {}): RunResult {
  const p = Bun.spawnSync([fangsBin(), ...args], {
    env: { ...process.env, ...opts.env },
    cwd: opts.cwd,
    stdin: opts.stdin === undefined ? "ignore" : Buffer.from(opts.stdin),
  });
  return { code: p.exitCode ?? -1, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}
