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

/**
 * Wait for a started `fangs serve` to print "listening on URL" on stdout
 * (stderr is collected meanwhile, for the error and for the test). On a
 * timeout the process is killed: a half-started server is never left behind.
 */
export async function untilListening(proc: { stdout: ReadableStream<Uint8Array>; stderr: ReadableStream<Uint8Array>; exited: Promise<number>; kill(signal?: NodeJS.Signals): void }, timeoutMs = 15_000): Promise<{ url: string; stderr: () => string }> {
  let err = "";
  (async () => {
    for await (const chunk of proc.stderr) err += new TextDecoder().decode(chunk);
  })();
  const reader = proc.stdout.getReader();
  let out = "";
  const deadline = Date.now() + timeoutMs;
  // One read in flight at a time: a read abandoned to a timeout would lose its chunk.
  let read = reader.read();
  while (!/listening on (\S+)/.test(out)) {
    if (Date.now() > deadline) {
      proc.kill("SIGKILL");
      throw new Error(`fangs serve did not start: ${out} ${err}`);
    }
    const r = await Promise.race([read, Bun.sleep(200).then(() => null)]);
    if (r === null) continue;
    if (r.done) throw new Error(`fangs serve exited before listening (code ${await proc.exited}): ${err}`);
    out += new TextDecoder().decode(r.value);
    if (!/listening on (\S+)/.test(out)) read = reader.read();
  }
  reader.releaseLock();
  return { url: /listening on (\S+)/.exec(out)![1], stderr: () => err };
}
