// End-to-end harness: the compiled executable in every role — `dist/fangs
// serve` (temp SQLite DB, loopback port), `dist/fangs runner` (real Docker,
// real eBPF sensor) — and the fake registry in a sealed container that every
// scan's sandbox joins (network container:<registry>).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { afterAll, beforeAll, expect } from "bun:test";
import { fangs, fangsBin, tempDir } from "../lib/env.ts";
import { startFakeRegistry, type FakeRegistry } from "../fixtures/registry/registry.ts";

export interface Proc {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  out(): string;
  err(): string;
  /** Called with the whole stderr so far after each chunk arrives (fault tests act on a log line at once). */
  onErr(fn: (text: string) => void): void;
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number>;
}

/** `netns`: a network namespace to run in (nsenter --net=…), e.g. the sealed fake registry's. */
export function spawnFangs(args: string[], cwd: string, netns?: string): Proc {
  const proc = Bun.spawn([...(netns ? ["nsenter", `--net=${netns}`] : []), fangsBin(), ...args], { stdin: "ignore", stdout: "pipe", stderr: "pipe", cwd });
  let out = "";
  let err = "";
  const listeners: ((text: string) => void)[] = [];
  (async () => { for await (const c of proc.stdout) out += new TextDecoder().decode(c); })();
  (async () => {
    for await (const c of proc.stderr) {
      err += new TextDecoder().decode(c);
      for (const l of listeners) l(err);
    }
  })();
  return {
    proc,
    out: () => out,
    err: () => err,
    onErr: (fn) => void listeners.push(fn),
    async stop(signal = "SIGTERM", timeoutMs = 20_000) {
      if (proc.exitCode !== null) return proc.exitCode;
      proc.kill(signal);
      const t = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
      const code = await proc.exited;
      clearTimeout(t);
      return code;
    },
  };
}

export async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs: number, log: () => string = () => ""): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${log().slice(-3000)}`);
    await Bun.sleep(200);
  }
}

export interface Stack {
  dir: string; db: string; url: string; serve: Proc; runner: Proc; runnerId: string;
  /** argv (after the executable) each role was started with: a fault test restarts them alike. */
  serveArgs: string[]; runnerArgs: string[];
  stop(): Promise<{ serve: number; runner: number }>;
}

export interface StackOptions {
  image: string;
  /** Extra `fangs serve` flags (TLS, tokens). */
  serveArgs?: string[];
  /** Extra `fangs runner` flags (-concurrency, -cert/-key/-ca, -token). */
  runnerArgs?: string[];
  /** Runner id to ask for; under mTLS the certificate CN wins. */
  runnerId?: string;
  dir?: string;
  /** Watcher poll interval (default 3600: no polling during the test). */
  pollInterval?: string;
  /** Run serve and runner inside this network namespace (path like /proc/PID/ns/net). */
  netns?: string;
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const dir = opts.dir ?? tempDir("fangs-e2e-");
  const db = join(dir, "fangs.db");
  const cfg = join(dir, "orchestrator.yaml");
  writeFileSync(cfg, "allowlist: []\n");
  const serveArgs = ["serve", "-db", db, "-config", cfg, "-claim-wait", "2s", "-heartbeat-interval", "1s", "-poll-interval", opts.pollInterval ?? "3600", ...(opts.serveArgs ?? [])];
  const serve = spawnFangs([...serveArgs, "-listen", "127.0.0.1:0"], dir, opts.netns);
  const url = await waitFor("fangs serve to listen", () => /listening on (https?:\/\/\S+)/.exec(serve.out() + serve.err())?.[1], 20_000, () => serve.err());
  const asked = opts.runnerId ?? `e2e-${crypto.randomUUID().slice(0, 8)}`;
  const runnerArgs = ["runner", "-orchestrator", url, "-id", asked, "-image", opts.image, "-spool", join(dir, "spool"), ...(opts.runnerArgs ?? [])];
  const runner = spawnFangs(runnerArgs, dir, opts.netns);
  const runnerId = await waitFor("the runner to register", () => {
    const m = /runner (\S+): ready/.exec(runner.err());
    if (m) return m[1];
    if (runner.proc.exitCode !== null) throw new Error(`runner exited ${runner.proc.exitCode}: ${runner.err()}`);
    return undefined;
  }, 30_000, () => runner.err());
  const stack: Stack = {
    dir, db, url, serve, runner, runnerId, serveArgs, runnerArgs,
    async stop() {
      // The roles a fault test restarted are the ones to stop.
      const r = await stack.runner.stop();
      const s = await stack.serve.stop();
      return { serve: s, runner: r };
    },
  };
  return stack;
}

export interface ApiAuth { tls?: { ca?: string; cert?: string; key?: string }; token?: string }

export async function api(base: string, method: string, path: string, body?: unknown, auth: ApiAuth = {}): Promise<any> {
  const headers: Record<string, string> = body === undefined ? {} : { "content-type": "application/json" };
  if (auth.token) headers.authorization = `Bearer ${auth.token}`;
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), tls: auth.tls } as RequestInit);
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: HTTP ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

export interface RunJson { id: string; status: string; verdict: string | null; exit_code: number | null; failure_reason: string | null; is_baseline: boolean; deviation_count: number; events_count: number; events_dropped: number; timings: Record<string, number> | null }

const FINAL = new Set(["finished", "timed_out", "failed"]);

/** Queue a scan the operator's way (`fangs scan submit`, the manual's CLI)
 *  for this stack's runner, and wait for its verdict through the API. */
export async function scan(stack: Stack, registry: { url: string; network: string }, pkg: string, version: string, extra: { duration?: string } = {}, timeoutMs = 90_000): Promise<RunJson> {
  const r = fangs([
    "scan", "submit", "-orchestrator", stack.url, "-package", pkg, "-version", version, "-runner", stack.runnerId,
    "-network", registry.network, "-registry-url", registry.url, "-duration", extra.duration ?? "30s", "-skip-registry-validate", "--json",
  ], { cwd: stack.dir });
  if (r.code !== 0) throw new Error(`fangs scan submit ${pkg}@${version}: exit ${r.code}: ${r.stderr}`);
  const q = JSON.parse(r.stdout) as { run_id: string };
  return waitFor(`run ${q.run_id} (${pkg}@${version})`, async () => {
    const { run } = await api(stack.url, "GET", `/v1/runs/${q.run_id}`);
    return FINAL.has(run.status) && (run.verdict !== null || run.status !== "finished") ? (run as RunJson) : undefined;
  }, timeoutMs, () => stack.runner.err() + "\n--- serve ---\n" + stack.serve.err());
}

/** Every event of a run, through the API's pages. */
export async function runEvents(stack: Stack, runId: string): Promise<any[]> {
  return (await runEventRecords(stack, runId)).map((e) => e.event);
}

/** Every stored record of a run ({ seq, event, … } as the API pages them). */
export async function runEventRecords(stack: Pick<Stack, "url">, runId: string): Promise<any[]> {
  const all: any[] = [];
  for (let after: number | null = -1; after !== null; ) {
    const page: any = await api(stack.url, "GET", `/v1/runs/${runId}/events?limit=5000${after >= 0 ? `&after=${after}` : ""}`);
    all.push(...page.events);
    after = page.next_after;
  }
  return all;
}

/** dist/fangs <args> --json against the stack's database. */
export function cliJson(stack: Stack, args: string[]): any {
  const r = fangs([...args, "--json", "-db", stack.db], { cwd: stack.dir });
  if (r.code !== 0) throw new Error(`fangs ${args.join(" ")}: exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Build the sandbox image (cached by `fangs sandbox build-image`) and start
 *  the sealed fake registry on it: what every full-stack test needs first. */
export async function sandboxWithRegistry(image: string, opts: { hold?: string[] } = {}): Promise<FakeRegistry> {
  const b = fangs(["sandbox", "build-image", "-image", image, "--json"]);
  if (b.code !== 0) throw new Error(`fangs sandbox build-image failed: ${b.stderr}`);
  return startFakeRegistry({ image, hold: opts.hold });
}

/** Stop the stack, then the fake registry; the stack's exit codes (SIGTERM is
 *  a clean stop for both roles: callers expect { serve: 0, runner: 0 }). */
export async function stopAll(stack: Stack | undefined, reg: FakeRegistry | undefined): Promise<{ serve: number; runner: number } | undefined> {
  const codes = await stack?.stop();
  await reg?.stop();
  return codes;
}

/** A test file's whole stack: the sandbox image and the sealed registry, then
 *  serve + runner, up before its tests; after them both roles must stop
 *  cleanly on SIGTERM (exit 0), then `afterStop` checks what they logged.
 *  Fields are set once beforeAll ran. */
export function useStack(image: string, opts: { runnerArgs?: string[]; afterStop?: (stack: Stack) => void } = {}): { reg: FakeRegistry; stack: Stack } {
  const t = {} as { reg: FakeRegistry; stack: Stack };
  beforeAll(async () => {
    t.reg = await sandboxWithRegistry(image);
    t.stack = await startStack({ image, runnerArgs: opts.runnerArgs });
  }, 600_000);
  afterAll(async () => {
    expect(await stopAll(t.stack, t.reg)).toEqual({ serve: 0, runner: 0 });
    opts.afterStop?.(t.stack);
  }, 60_000);
  return t;
}
