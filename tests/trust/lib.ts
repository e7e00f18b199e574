// Helpers for the trust tests: a real `dist/fangs serve` on loopback with a
// temp SQLite DB, certificates made by `dist/fangs ca`, and requests with or
// without client certificates.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fangs, fangsBin, tempDir, untilListening } from "../lib/env.ts";
import { RUNNER_ID_HEADER } from "../../src/protocol/runner.ts";

export interface Serve { url: string; db: string; dir: string; stop(): Promise<void>; stderr(): string }

/** Start `dist/fangs serve -listen HOST:0 …`; resolves once it prints its URL. */
export async function startServe(args: string[], opts: { host?: string; dir?: string } = {}): Promise<Serve> {
  const dir = opts.dir ?? tempDir("fangs-trust-");
  const db = join(dir, "fangs.db");
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith("FANGS_") && k !== "FANGS_BIN") delete env[k];
  // cwd is the temp dir: no config/orchestrator.yaml there, so defaults + flags only.
  const proc = Bun.spawn([fangsBin(), "serve", "-listen", `${opts.host ?? "127.0.0.1"}:0`, "-db", db, "-poll-interval", "3600", ...args], {
    stdout: "pipe",
    stderr: "pipe",
    cwd: dir,
    env,
  });
  const { url, stderr } = await untilListening(proc);
  return {
    url,
    db,
    dir,
    stderr,
    async stop() {
      proc.kill("SIGTERM");
      const t = setTimeout(() => proc.kill("SIGKILL"), 10_000);
      await proc.exited;
      clearTimeout(t);
    },
  };
}

export interface Pki { dir: string; ca: string; cert(name: string): { cert: string; key: string } }

/** A CA, a server certificate for 127.0.0.1/localhost and runner certificates, all made by `dist/fangs ca`. */
export function makePki(dir: string, runners: string[]): Pki {
  const run = (args: string[]) => {
    const r = fangs([...args, "-dir", dir]);
    if (r.code !== 0) throw new Error(`fangs ${args.join(" ")}: ${r.stderr}`);
  };
  run(["ca", "init"]);
  run(["ca", "issue-server", "localhost", "-san", "127.0.0.1,127.0.0.2"]);
  for (const n of runners) run(["ca", "issue-runner", n]);
  return {
    dir,
    ca: readFileSync(join(dir, "ca.crt"), "utf8"),
    cert: (name) => ({ cert: readFileSync(join(dir, "runners", `${name}.crt`), "utf8"), key: readFileSync(join(dir, "runners", `${name}.key`), "utf8") }),
  };
}

export interface Call { tls?: object; token?: string; runner?: string; headers?: Record<string, string> }

export async function call(base: string, method: string, path: string, body: unknown, o: Call = {}): Promise<{ status: number; json: any; text: string; headers: Headers }> {
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  if (body !== undefined && typeof body !== "string") headers["content-type"] = "application/json";
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.runner) headers[RUNNER_ID_HEADER] = o.runner;
  const res = await fetch(base + path, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    tls: o.tls,
  } as RequestInit);
  const text = await res.text();
  let json: any;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, json, text, headers: res.headers };
}
