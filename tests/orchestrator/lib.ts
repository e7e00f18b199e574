// Harness for orchestrator integration tests: the REAL compiled server
// (`dist/fangs serve` on a loopback port with a temp SQLite DB), a fake npm
// registry on loopback, and a scripted runner speaking the real protocol.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { createTestDatabase } from "../lib/postgres.ts";
import { fangsBin, tempDir, untilListening } from "../lib/env.ts";
import { RUNNER_ID_HEADER } from "../../src/protocol/runner.ts";
import type { FangsEvent } from "../../src/events/types.ts";

export interface Serve {
  url: string;
  dir: string;
  db: string;
  proc: Subprocess<"ignore", "pipe", "pipe">;
  log(): string;
  /** Send a signal and wait for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number>;
}

// A failing test must not leave servers running: whatever is still alive
// when the test process exits is killed.
const started = new Set<Subprocess>();
process.on("exit", () => {
  for (const p of started) if (p.exitCode === null) p.kill("SIGKILL");
});

/** Fast timings so tests run in seconds; override per test. */
export const FAST = ["-prune-interval", "1s", "-runner-stale-after", "3s", "-claim-wait", "2s", "-heartbeat-interval", "1s", "-retention-first-prune", "600s"];

export async function startServe(opts: { dir?: string; db?: string; args?: string[]; yaml?: string; env?: Record<string, string> } = {}): Promise<Serve> {
  const dir = opts.dir ?? tempDir("fangs-orch-");
  const db = opts.db ?? join(dir, "fangs.db");
  const cfg = join(dir, "orchestrator.yaml");
  writeFileSync(cfg, opts.yaml ?? "allowlist: []\n");
  const proc = Bun.spawn([fangsBin(), "serve", "-listen", "127.0.0.1:0", "-db", db, "-config", cfg, ...FAST, ...(opts.args ?? [])], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    cwd: dir,
    env: { ...process.env, ...opts.env },
  });
  started.add(proc);
  void proc.exited.then(() => started.delete(proc));
  const { url, stderr } = await untilListening(proc);
  return {
    url,
    dir,
    db,
    proc,
    log: stderr,
    async stop(signal = "SIGTERM") {
      proc.kill(signal);
      return await proc.exited;
    },
  };
}

/** A fresh, empty PostgreSQL database on the test server (fails loudly without one), and its removal. */
export async function freshPostgresUrl(): Promise<string> {
  return createTestDatabase("orch");
}
export { dropTestDatabase as dropPostgres } from "../lib/postgres.ts";

/** Run dist/fangs without blocking this process (the fake registry lives here). */
export async function fangsAsync(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const p = Bun.spawn([fangsBin(), ...args], { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, stdout, stderr };
}

export async function api(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any; text: string }> {
  const res = await fetch(base + path, {
    method,
    headers: { ...(body !== undefined && { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {}
  return { status: res.status, json, text };
}

/** A runner that speaks the real protocol, one call at a time. */
export class ScriptedRunner {
  constructor(readonly base: string, readonly id: string) {}
  #h() {
    return { [RUNNER_ID_HEADER]: this.id };
  }
  register() {
    return api(this.base, "POST", "/v1/runners/register", { id: this.id, hostname: this.id, version: "test", probes: [{ name: "sys_enter_openat", active: true }] });
  }
  heartbeat(active: string | null = null) {
    return api(this.base, "POST", `/v1/runners/${this.id}/heartbeat`, { active_run_id: active }, this.#h());
  }
  claim(wait = 1) {
    return api(this.base, "POST", `/v1/runners/${this.id}/claim?wait=${wait}`, undefined, this.#h());
  }
  batch(runId: string, batchSeq: number, events: FangsEvent[]) {
    return api(this.base, "POST", `/v1/runs/${runId}/events`, { batch_seq: batchSeq, events }, this.#h());
  }
  finish(runId: string, f: Partial<{ status: string; exit_code: number | null; events_sent: number; events_dropped: number; failure_reason: string }> = {}) {
    return api(this.base, "POST", `/v1/runs/${runId}/finish`, { status: "finished", exit_code: 0, events_sent: 0, events_dropped: 0, ...f }, this.#h());
  }
  deregister() {
    return api(this.base, "DELETE", `/v1/runners/${this.id}`, undefined, this.#h());
  }
}

const base = { ts_ns: 1, pid: 100, ppid: 1, uid: 0, comm: "node", exe: "/usr/bin/node", cgroup_id: "42", ancestry: [], source: "test" };

export function fileEvent(seq: number, path: string, access: "read" | "write" | "create" = "read"): FangsEvent {
  return { ...base, seq, ts_ns: 1000 + seq, kind: "file", path, flags: 0, access };
}

/** A connect from a process outside npm to an RFC 5737 address (never dialled: it is only data). */
export function connectEvent(seq: number, address = "203.0.113.7", port = 443): FangsEvent {
  return { ...base, seq, ts_ns: 1000 + seq, pid: 200, comm: "curl", exe: "/usr/bin/curl", kind: "connect", family: "inet", address, port, proto: "tcp" };
}

/** Fake npm registry on loopback serving abbreviated packuments with an etag. */
export class FakeRegistry {
  readonly docs = new Map<string, { "dist-tags": Record<string, string>; versions: Record<string, unknown>; time?: Record<string, string> }>();
  readonly hits: Array<{ name: string; status: number; ifNoneMatch: string | null; accept: string | null; at: number }> = [];
  /** Status to answer instead (e.g. 429 or 503), with an optional Retry-After. */
  failWith: { status: number; retryAfter?: string } | null = null;
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req) => {
      const name = decodeURIComponent(new URL(req.url).pathname.slice(1));
      const inm = req.headers.get("if-none-match");
      const record = (status: number) => this.hits.push({ name, status, ifNoneMatch: inm, accept: req.headers.get("accept"), at: Date.now() });
      if (this.failWith) {
        record(this.failWith.status);
        return new Response("busy", { status: this.failWith.status, headers: this.failWith.retryAfter ? { "retry-after": this.failWith.retryAfter } : {} });
      }
      const doc = this.docs.get(name);
      if (!doc) {
        record(404);
        return new Response("{}", { status: 404 });
      }
      const body = JSON.stringify({ name, ...doc });
      const etag = `"${Bun.hash(body).toString(16)}"`;
      if (inm === etag) {
        record(304);
        return new Response(null, { status: 304, headers: { etag } });
      }
      record(200);
      return new Response(body, { headers: { etag, "content-type": "application/vnd.npm.install-v1+json" } });
    },
  });
  get url() {
    return `http://127.0.0.1:${this.server.port}/`;
  }
  /** Publish name@version. The metadata says the release runs an install
   *  script unless `meta` says otherwise (e.g. { dependencies: {…} } alone). */
  publish(name: string, version: string, latest = true, meta: Record<string, unknown> = { hasInstallScript: true }) {
    const d = this.docs.get(name) ?? { "dist-tags": {}, versions: {} };
    d.versions[version] = { name, version, ...meta, dist: { tarball: `${this.url}${name}/-/${name}-${version}.tgz` } };
    if (latest) d["dist-tags"].latest = version;
    this.docs.set(name, d);
  }
  stop() {
    this.server.stop(true);
  }
}

export async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(100);
  }
}
