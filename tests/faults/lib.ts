// Fault injection on the real stack (tests/e2e/lib.ts): kill -9 and restart
// `fangs serve` on the same address and database, kill -9 and restart the
// runner with the same id and spool, and read what the sensor emitted.
import { afterAll, beforeAll } from "bun:test";
import type { FakeRegistry } from "../fixtures/registry/registry.ts";
import { sandboxWithRegistry, spawnFangs, startStack, waitFor, type Stack, type StackOptions } from "../e2e/lib.ts";

/** kill -9 of serve; resolves when it is gone. */
export async function killServe(stack: Stack): Promise<void> {
  stack.serve.proc.kill("SIGKILL");
  await stack.serve.proc.exited;
}

/** Start serve again on the same host:port and database (the runner's -orchestrator stays valid). */
export async function restartServe(stack: Stack): Promise<void> {
  const hostPort = new URL(stack.url).host;
  // The port was just released by the killed process; retry a moment if the kernel still holds it.
  for (let attempt = 0; ; attempt++) {
    const serve = spawnFangs([...stack.serveArgs, "-listen", hostPort], stack.dir);
    try {
      await waitFor("fangs serve to listen again", () => {
        if (serve.proc.exitCode !== null) throw new Error(`serve exited ${serve.proc.exitCode}: ${serve.err()}`);
        return /listening on /.test(serve.out() + serve.err()) ? true : undefined;
      }, 20_000, () => serve.err());
      stack.serve = serve;
      return;
    } catch (e) {
      if (attempt >= 10) throw e;
      await Bun.sleep(300);
    }
  }
}

export async function killRunner(stack: Stack): Promise<void> {
  stack.runner.proc.kill("SIGKILL");
  await stack.runner.proc.exited;
}

export async function restartRunner(stack: Stack): Promise<void> {
  const runner = spawnFangs(stack.runnerArgs, stack.dir);
  await waitFor("the runner to register again", () => {
    if (runner.proc.exitCode !== null) throw new Error(`runner exited ${runner.proc.exitCode}: ${runner.err()}`);
    return /runner (\S+): ready/.test(runner.err()) ? true : undefined;
  }, 30_000, () => runner.err());
  stack.runner = runner;
}

/** Resolves when `re` appears in the runner's log (from `from` on). */
export function runnerSays(stack: Stack, re: RegExp, timeoutMs = 60_000, from = 0): Promise<true> {
  return waitFor(`runner log ${re}`, () => (re.test(stack.runner.err().slice(from)) ? true : undefined), timeoutMs, () => stack.runner.err());
}

export const IMAGE = "fangs-sandbox:e2e";

/** beforeAll/afterAll of a fault file: the sandbox image, the sealed registry, one stack. */
export function useStack(opts: Omit<StackOptions, "image"> = {}): { reg: FakeRegistry; stack: Stack } {
  const ctx = {} as { reg: FakeRegistry; stack: Stack };
  beforeAll(async () => {
    ctx.reg = await sandboxWithRegistry(IMAGE);
    ctx.stack = await startStack({ image: IMAGE, ...opts });
  }, 120_000);
  afterAll(async () => {
    await ctx.stack?.stop();
    await ctx.reg?.stop();
  }, 60_000);
  return ctx;
}
