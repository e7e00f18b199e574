// The one typed client of the orchestrator's HTTP API, for the runner (its
// side of src/protocol/runner.ts, every response validated with the schemas
// the orchestrator uses) and for the CLI (scan submit/status, and every
// operator command given -orchestrator URL: the shapes of protocol/api.ts and
// protocol/operator.ts). One request path: base URL, bearer token, optional
// mTLS, timeouts, and errors as the caller reads them: a runner gets an
// OrchestratorError saying whether a retry could help; an operator gets the
// orchestrator's own one-line message and hint, as the local command prints it.
import * as v from "valibot";
import { readFileSync } from "node:fs";
import { FangsError, oneLine } from "../core/errors.ts";
import {
  BatchAck, ClaimResponse, RegisterResponse, RUNNER_ID_HEADER,
  type EventBatch, type FinishRequest, type ProbeStatus,
} from "../protocol/runner.ts";
import type { AllowJson, DeviationJson, PackageJson, PendingJson, RunJson, RunnerJson } from "../protocol/api.ts";
import type {
  AllowAddRequest, AllowResult, NotifierAddRequest, NotifierJson, NotifierToggleResult, PackageAddRequest, PackageAddResult,
  PackageRemoveResult, PackageSetRequest, PackageImportRequest, PackageImportResult, ImportProgress, PackageSetResult, PromoteResult, ScanRequest, ScanResult, OperatorApi,
} from "../protocol/operator.ts";

export const DEFAULT_ORCHESTRATOR = "http://127.0.0.1:8443";
/** The whole of a remote `fangs package import`, look-ups and answer. */
const IMPORT_TIMEOUT_MS = 60 * 60_000;

/** The -orchestrator flag (or env FANGS_ORCHESTRATOR, or the default) as a base URL. */
export function orchestratorUrl(flag: unknown): string {
  const raw = String(flag ?? process.env.FANGS_ORCHESTRATOR ?? DEFAULT_ORCHESTRATOR).replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]+$/.test(raw)) throw new FangsError(`invalid -orchestrator ${JSON.stringify(raw)}`, { hint: "give the base URL, e.g. http://127.0.0.1:8443" });
  return raw;
}

export interface ClientTls { cert?: string; key?: string; ca?: string }
export interface ClientOptions {
  baseUrl: string;
  /** A runner's id (sent as its header); absent for an operator. */
  runnerId?: string;
  token?: string;
  /** PEM file paths (client certificate for mTLS, CA that signed the server). */
  tls?: ClientTls;
  /** Per-request timeout for the short calls (claim has its own). */
  timeoutMs?: number;
}

/** `?a=1&b=x` from the fields given ("" when none). */
function query(q: Record<string, string | number | undefined>): string {
  const qs = new URLSearchParams(Object.entries(q).flatMap(([k, x]) => (x === undefined ? [] : [[k, String(x)] as [string, string]])));
  return qs.size ? `?${qs}` : "";
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

export class OrchestratorClient implements OperatorApi {
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

  get runnerId(): string { return this.o.runnerId ?? ""; }
  set runnerId(id: string) { this.o.runnerId = id; }

  private async call(op: string, method: string, path: string, body?: unknown, opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<Response> {
    if (this.o.runnerId === undefined) return this.operatorCall(method, path, body);
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

  /** An operator's request: the orchestrator's error and hint come back as they were said. */
  private async operatorCall(method: string, path: string, body?: unknown, o: { accept?: string; timeoutMs?: number } = {}): Promise<Response> {
    const accept = o.accept ?? "application/json";
    const headers: Record<string, string> = { accept };
    if (this.o.token) headers.authorization = `Bearer ${this.o.token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    let res: Response;
    try {
      res = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(o.timeoutMs ?? this.o.timeoutMs ?? 30_000), tls: this.tls } as RequestInit);
    } catch (e) {
      throw new FangsError(`orchestrator ${this.base} unreachable: ${oneLine(e)}`, { hint: "start it with fangs serve, or pass -orchestrator URL" });
    }
    if (res.ok) return res;
    const j = (await res.json().catch(() => undefined)) as { error?: unknown; hint?: unknown } | undefined;
    if (typeof j?.error !== "string") throw new FangsError(`orchestrator ${this.base} answered ${res.status} with a non-JSON body`, { status: res.status });
    const hint = res.status === 401 ? "give the operator token: -operator-token TOKEN or env FANGS_OPERATOR_TOKEN" : typeof j.hint === "string" ? j.hint : undefined;
    throw new FangsError(oneLine(j.error).slice(0, 500), { status: res.status, hint });
  }

  /** An operator's call answering JSON (the API's shapes, protocol/api.ts and protocol/operator.ts). */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.operatorCall(method, path, body);
    try {
      return (await res.json()) as T;
    } catch {
      throw new FangsError(`orchestrator ${this.base} answered ${res.status} with a non-JSON body`);
    }
  }

  // The operator's API, one method per endpoint (src/orchestrator/API.md).
  submitScan(b: ScanRequest): Promise<ScanResult> { return this.request("POST", "/v1/scans", b); }
  async getRun(id: string): Promise<RunJson> { return (await this.request<{ run: RunJson }>("GET", `/v1/runs/${encodeURIComponent(id)}`)).run; }
  async listRuns(q: { package?: string; limit?: number } = {}): Promise<RunJson[]> {
    return (await this.request<{ runs: RunJson[] }>("GET", `/v1/runs${query(q)}`)).runs;
  }
  /** A run's deviations, cleared included, worst first (the id may be a unique prefix). */
  runDeviations(runIdOrPrefix: string): Promise<{ run_id: string; deviations: DeviationJson[] }> { return this.request("GET", `/v1/runs/${encodeURIComponent(runIdOrPrefix)}/deviations`); }
  startControl(runId: string): Promise<{ run_id: string; urls: { api: string; ui: string } } & Record<string, unknown>> { return this.request("POST", `/v1/runs/${encodeURIComponent(runId)}/control`); }
  async listPending(q: { package?: string; min_severity?: string } = {}): Promise<PendingJson[]> {
    return (await this.request<{ pending: PendingJson[] }>("GET", `/v1/pending${query(q)}`)).pending;
  }
  async listNotifiers(): Promise<NotifierJson[]> { return (await this.request<{ notifiers: NotifierJson[] }>("GET", "/v1/notifiers")).notifiers; }
  async listRunners(): Promise<RunnerJson[]> { return (await this.request<{ runners: RunnerJson[] }>("GET", "/v1/runners")).runners; }
  /** A package the orchestrator knows, with the registry it polls; undefined when it does not know it. */
  async getPackage(name: string): Promise<(PackageJson & { registry: string }) | undefined> {
    try {
      return (await this.request<{ package: PackageJson & { registry: string } }>("GET", `/v1/packages/${encodeURIComponent(name)}`)).package;
    } catch (e) {
      if ((e as FangsError).status === 404) return undefined;
      throw e;
    }
  }
  watchPackage(b: PackageAddRequest): Promise<PackageAddResult> { return this.request("POST", "/v1/packages", b); }
  setPackage(name: string, b: PackageSetRequest): Promise<PackageSetResult> { return this.request("PATCH", `/v1/packages/${encodeURIComponent(name)}`, b); }
  /** The answer streams progress lines (see API.md), then the result or the error as the service said it. */
  async importPackages(b: PackageImportRequest, onProgress: (p: ImportProgress) => void = () => {}): Promise<PackageImportResult> {
    // A big lockfile on a slow registry takes minutes; the progress lines keep the connection busy meanwhile.
    const res = await this.operatorCall("POST", "/v1/packages/import", b, { accept: "application/x-ndjson", timeoutMs: IMPORT_TIMEOUT_MS });
    const bad = () => new FangsError(`orchestrator ${this.base} answered the import with a body that is not its progress stream`);
    const reader = res.body?.getReader();
    if (!reader) throw bad();
    const text = new TextDecoder();
    let buf = "";
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (e) {
        throw new FangsError(`orchestrator ${this.base} stopped answering the import: ${oneLine(e)}`, { hint: "see the orchestrator's log; the import is one transaction, so it landed whole or not at all (fangs package watched -source FILE on its host tells)" });
      }
      const { value, done } = chunk;
      buf += text.decode(value, { stream: !done });
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let m: { progress?: ImportProgress; result?: PackageImportResult; error?: unknown; hint?: unknown; status?: unknown };
        try { m = JSON.parse(line); } catch { throw bad(); }
        if (m.progress) onProgress(m.progress);
        else if (m.result) return m.result;
        else if (typeof m.error === "string") throw new FangsError(oneLine(m.error).slice(0, 500), { status: typeof m.status === "number" ? m.status : 500, hint: typeof m.hint === "string" ? m.hint : undefined });
        else throw bad();
      }
      if (done) throw new FangsError(`orchestrator ${this.base} ended the import answer before its result`, { hint: "see the orchestrator's log; the import is one transaction, so nothing was half-written" });
    }
  }
  unwatchPackage(name: string): Promise<PackageRemoveResult> { return this.request("DELETE", `/v1/packages/${encodeURIComponent(name)}`); }
  async listAllow(pkg?: string): Promise<AllowJson[]> { return (await this.request<{ entries: AllowJson[] }>("GET", `/v1/allowlist${pkg ? `?package=${encodeURIComponent(pkg)}` : ""}`)).entries; }
  allowAdd(b: AllowAddRequest): Promise<AllowResult> { return this.request("POST", "/v1/allowlist", b); }
  allowRemove(id: string): Promise<AllowResult> { return this.request("DELETE", `/v1/allowlist/${encodeURIComponent(id)}`); }
  promote(run: string): Promise<PromoteResult> { return this.request("POST", `/v1/runs/${encodeURIComponent(run)}/promote`); }
  notifierAdd(b: NotifierAddRequest): Promise<NotifierJson> { return this.request("POST", "/v1/notifiers", b); }
  notifierRemove(name: string): Promise<NotifierJson> { return this.request("DELETE", `/v1/notifiers/${encodeURIComponent(name)}`); }
  notifierSetEnabled(name: string, enabled: boolean): Promise<NotifierToggleResult> { return this.request("PATCH", `/v1/notifiers/${encodeURIComponent(name)}`, { enabled }); }

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
