// The runner's side of src/protocol/runner.ts: one method per endpoint, every
// response validated with the same valibot schemas the orchestrator uses.
import * as v from "valibot";
import { readFileSync } from "node:fs";
import { FangsError, oneLine } from "../core/errors.ts";
import {
  BatchAck, ClaimResponse, RegisterResponse, RUNNER_ID_HEADER,
  type EventBatch, type FinishRequest, type ProbeStatus,
} from "../protocol/runner.ts";

export interface ClientTls { cert?: string; key?: string; ca?: string }
export interface ClientOptions {
  baseUrl: string;
  runnerId: string;
  token?: string;
  /** PEM file paths (client certificate for mTLS, CA that signed the server). */
  tls?: ClientTls;
  /** Per-request timeout for the short calls (claim has its own). */
  timeoutMs?: number;
}

/** An HTTP failure: `retryable` says whether trying again could help. */
export class OrchestratorError extends FangsError {
  constructor(readonly op: string, readonly httpStatus: number, detail: string, readonly retryable: boolean, readonly retryAfterMs = 0) {
    super(`orchestrator ${op}: ${httpStatus ? `HTTP ${httpStatus}: ` : ""}${detail}`, {
      status: 502,
      hint: httpStatus === 401 || httpStatus === 403 ? "check -token / FANGS_RUNNER_TOKEN or the client certificate (-cert -key -ca)" : httpStatus ? undefined : "is `fangs serve` running at -orchestrator?",
    });
  }
}

export class OrchestratorClient {
  private readonly tls?: { cert?: string; key?: string; ca?: string };
  readonly base: string;
  constructor(private readonly o: ClientOptions) {
    this.base = o.baseUrl.replace(/\/+$/, "");
    if (o.tls && (o.tls.cert || o.tls.key || o.tls.ca)) {
      const read = (p?: string) => (p ? readFileSync(p, "utf8") : undefined);
      try {
        this.tls = { cert: read(o.tls.cert), key: read(o.tls.key), ca: read(o.tls.ca) };
      } catch (e) {
        throw new FangsError(`read TLS files: ${oneLine(e)}`, { hint: "-cert, -key and -ca take PEM file paths" });
      }
    }
  }

  get runnerId(): string { return this.o.runnerId; }
  set runnerId(id: string) { this.o.runnerId = id; }

  private async call(op: string, method: string, path: string, body?: unknown, opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<Response> {
    const headers: Record<string, string> = { [RUNNER_ID_HEADER]: this.o.runnerId, accept: "application/json" };
    if (this.o.token) headers.authorization = `Bearer ${this.o.token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const timeout = AbortSignal.timeout(opts.timeoutMs ?? this.o.timeoutMs ?? 30_000);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    let res: Response;
    try {
      res = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal, tls: this.tls } as RequestInit);
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      throw new OrchestratorError(op, 0, `${this.base}: ${oneLine(e)}`, true);
    }
    if (res.status >= 400) {
      const text = await res.text().catch(() => "");
      let msg = text;
      try { const j = JSON.parse(text); msg = j.error?.message ?? j.error ?? j.message ?? text; } catch { /* plain */ }
      const retryAfterS = Number(res.headers.get("retry-after") ?? 0);
      throw new OrchestratorError(op, res.status, String(msg).slice(0, 300).trim() || res.statusText, res.status >= 500 || res.status === 429 || res.status === 408, Number.isFinite(retryAfterS) ? Math.min(retryAfterS, 60) * 1000 : 0);
    }
    return res;
  }

  private async json<T>(op: string, schema: v.GenericSchema<unknown, T>, res: Response): Promise<T> {
    const body = await res.json().catch(() => undefined);
    const r = v.safeParse(schema, body);
    if (!r.success) throw new OrchestratorError(op, res.status, `unexpected response: ${r.issues[0]?.message}`, false);
    return r.output;
  }

  /** `resume`: runs whose end this runner has spooled but not yet reported; the orchestrator keeps them running. */
  async register(hostname: string, version: string, probes: ProbeStatus[], resume: string[] = []): Promise<v.InferOutput<typeof RegisterResponse>> {
    const res = await this.call("register", "POST", "/v1/runners/register", { id: this.o.runnerId, hostname, version, probes, ...(resume.length ? { resume } : {}) });
    const out = await this.json("register", RegisterResponse, res);
    this.o.runnerId = out.runner_id; // under mTLS the certificate CN decides
    return out;
  }

  async heartbeat(activeRunId: string | null): Promise<void> {
    await (await this.call("heartbeat", "POST", `/v1/runners/${this.o.runnerId}/heartbeat`, { active_run_id: activeRunId })).text();
  }

  /** Long-poll for work: a claimed run, or null when there was none in waitS. */
  async claim(waitS: number, signal?: AbortSignal): Promise<ClaimResponse["run"] | null> {
    const res = await this.call("claim", "POST", `/v1/runners/${this.o.runnerId}/claim?wait=${waitS}`, undefined, { signal, timeoutMs: (waitS + 15) * 1000 });
    if (res.status === 204) { await res.text(); return null; }
    return (await this.json("claim", ClaimResponse, res)).run;
  }

  async sendBatch(runId: string, batch: EventBatch): Promise<v.InferOutput<typeof BatchAck>> {
    return this.json("events", BatchAck, await this.call("events", "POST", `/v1/runs/${runId}/events`, batch, { timeoutMs: 60_000 }));
  }

  async finish(runId: string, req: FinishRequest): Promise<unknown> {
    return (await this.call("finish", "POST", `/v1/runs/${runId}/finish`, req, { timeoutMs: 60_000 })).json();
  }

  /** The run's install manifest (src/protocol/manifest.ts), before its finish. */
  async sendManifest(runId: string, manifest: unknown): Promise<unknown> {
    return (await this.call("manifest", "POST", `/v1/runs/${runId}/manifest`, manifest, { timeoutMs: 60_000 })).json();
  }

  async deregister(): Promise<void> {
    await (await this.call("deregister", "DELETE", `/v1/runners/${this.o.runnerId}`)).text();
  }
}

/** Retry `fn` while it fails with a retryable error, backing off (100 ms → 5 s,
 *  or longer when the orchestrator says Retry-After). */
export async function withRetry<T>(fn: () => Promise<T>, opts: { attempts: number; onError?: (e: unknown, attempt: number) => void; signal?: AbortSignal; baseMs?: number; maxMs?: number }): Promise<T> {
  let delay = opts.baseMs ?? 100;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      opts.onError?.(e, attempt);
      const retryable = !(e instanceof OrchestratorError) || e.retryable;
      if (!retryable || attempt >= opts.attempts || opts.signal?.aborted) throw e;
      // The orchestrator's Retry-After (rate limit) wins over our own backoff.
      await Bun.sleep(Math.max(delay, e instanceof OrchestratorError ? e.retryAfterMs : 0));
      delay = Math.min(delay * 2, opts.maxMs ?? 5000);
    }
  }
}
