// One message to one target: POST with a per-attempt timeout, retried with
// exponential backoff on network errors, 5xx and 429 (honouring Retry-After),
// at most `maxAttempts` times. Every attempt is a notifier_deliveries row, so
// `fangs notifier history` shows exactly what happened.
import type { Kysely } from "kysely";
import type { DB } from "../store/schema.ts";
import { recordDelivery, type DeliveryOutcome } from "../store/notifiers.ts";
import { VERSION } from "../core/version.ts";
import { oneLine } from "../core/errors.ts";
import { readSecret, sign, SIGNATURE_HEADER, type SecretLookup } from "./sign.ts";
import { parseHeaders, redactUrl, urlError, type Template } from "../protocol/notifier.ts";

export interface Target {
  id: string;
  name: string;
  url: string;
  template: Template;
  secret_env: string | null;
  headers: string | null; // JSON object, validated at add
}

export interface DeliverOptions {
  runId: string | null;
  timeoutMs?: number;
  maxAttempts?: number;
  /** First retry waits this long, then twice as long each time. */
  backoffMs?: number;
  /** Longest Retry-After we honour; a larger one is capped, not obeyed. */
  maxRetryAfterMs?: number;
  env?: SecretLookup;
  sleep?: (ms: number) => Promise<void>;
}

export interface DeliveryResult {
  outcome: DeliveryOutcome;
  attempts: number;
  http_status: number | null;
  error: string | null;
}

export const DEFAULTS = { timeoutMs: 10_000, maxAttempts: 3, backoffMs: 1_000, maxRetryAfterMs: 30_000 };

export async function deliver(db: Kysely<DB>, t: Target, body: string, o: DeliverOptions): Promise<DeliveryResult> {
  const opt = { ...DEFAULTS, ...o };
  const sleep = o.sleep ?? Bun.sleep;
  const record = async (attempt: number, r: Omit<DeliveryResult, "attempts">) => {
    await recordDelivery(db, { notifier_id: t.id, run_id: o.runId, attempt, outcome: r.outcome, http_status: r.http_status, error: r.error });
    return { ...r, attempts: attempt };
  };

  // Checked again at send time: the row may have been edited in the database
  // since `notifier add` validated it (threat model: DB write access).
  const bad = urlError(t.url);
  const extra = t.headers ? parseHeaders(t.headers) : { headers: {} };
  if (bad || extra.error) return record(1, { outcome: "failed", http_status: null, error: `stored target refused, not sent: ${bad ?? extra.error}` });
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": `fangs/${VERSION}`, ...extra.headers };
  if (t.template === "generic" && t.secret_env) {
    const s = readSecret(t.secret_env, o.env);
    if (!s.secret) return record(1, { outcome: "failed", http_status: null, error: s.error! });
    headers[SIGNATURE_HEADER] = sign(s.secret, body);
  }

  for (let attempt = 1; ; attempt++) {
    const last = attempt >= opt.maxAttempts;
    let status: number | null = null;
    let error: string;
    let retryAfterMs: number | undefined;
    try {
      // redirect "manual": following one could leave HTTPS or the operator's host.
      const res = await fetch(t.url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(opt.timeoutMs) });
      status = res.status;
      await res.body?.cancel().catch(() => {});
      if (res.ok) return record(attempt, { outcome: "delivered", http_status: status, error: null });
      if (status !== 429 && status < 500) return record(attempt, { outcome: "failed", http_status: status, error: `HTTP ${status}${status >= 300 && status < 400 ? " (redirects are not followed)" : ""}; not retried` });
      error = `HTTP ${status}`;
      retryAfterMs = parseRetryAfter(res.headers.get("retry-after"));
    } catch (e) {
      const msg = e instanceof Error && e.name === "TimeoutError" ? `no answer within ${opt.timeoutMs} ms` : oneLine(e);
      error = msg.split(t.url).join(redactUrl(t.url, t.template)).slice(0, 300);
    }
    if (last) return record(attempt, { outcome: "failed", http_status: status, error: `${error}; gave up after ${attempt} attempt${attempt === 1 ? "" : "s"}` });
    const wait = Math.min(retryAfterMs ?? opt.backoffMs * 2 ** (attempt - 1), opt.maxRetryAfterMs);
    await record(attempt, { outcome: "failed", http_status: status, error: `${error}; retrying in ${wait} ms` });
    await sleep(wait);
  }
}

/** Retry-After is delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(v: string | null, now = Date.now()): number | undefined {
  if (!v) return undefined;
  const t = v.trim();
  if (/^\d{1,9}$/.test(t)) return Number(t) * 1000;
  const at = Date.parse(t);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
