// What a notifier may be: checked when it is added (CLI or API), so a bad
// target never reaches the database. Each check returns an error sentence or
// undefined, so callers can wrap it in their own error type.
import { SEVERITIES } from "../differ/severity.ts";

export const TEMPLATES = ["slack", "discord", "generic"] as const;
export type Template = (typeof TEMPLATES)[number];

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/; // RFC 9110 token
const MAX_HEADERS = 20;
const MAX_HEADER_VALUE = 2048;

/** Headers a target must not set: hop-by-hop ones (RFC 9110 §7.6.1), the ones
 * fetch computes from the body and URL, and our own signature namespace (a
 * static X-FANGS-Signature would let a forged body pass as signed). */
const REFUSED_HEADERS = new Set([
  "host", "content-length", "transfer-encoding", "connection", "keep-alive", "proxy-connection",
  "te", "trailer", "trailers", "upgrade", "proxy-authenticate", "proxy-authorization", "expect",
]);

export function nameError(name: string): string | undefined {
  if (!NAME.test(name)) return "a notifier name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit";
}

export function templateError(t: string): string | undefined {
  if (!(TEMPLATES as readonly string[]).includes(t)) return `unknown template ${JSON.stringify(t)}: use slack, discord or generic`;
}

export function severityError(s: string): string | undefined {
  if (!(SEVERITIES as readonly string[]).includes(s)) return `unknown severity ${JSON.stringify(s)}: use ${SEVERITIES.join(", ")}`;
}

/** HTTPS only; plain http only to a loopback address (local testing). */
export function urlError(raw: string): string | undefined {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return "not a valid absolute URL";
  }
  if (u.username || u.password) return "credentials in the URL are refused: put them in -headers or -secret-env";
  if (u.protocol === "https:") return;
  if (u.protocol !== "http:") return `scheme ${u.protocol.replace(/:$/, "")} is refused: webhook targets must be https://`;
  if (!isLoopbackHost(u.hostname)) return "plain http:// is only allowed to loopback (127.0.0.0/8, [::1], localhost): webhook targets must be https://";
}

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  if (h === "localhost" || h === "::1") return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return m !== null && m.slice(1).every((o) => Number(o) <= 255);
}

export function secretEnvError(env: string, template: string): string | undefined {
  if (template !== "generic") return "-secret-env is for generic targets only (Slack and Discord: the URL is the secret)";
  if (!ENV_NAME.test(env)) return "-secret-env takes an environment variable NAME (letters, digits, '_'), not the secret itself";
}

/** Parse and check `-headers`: a JSON object of string → string. */
export function parseHeaders(json: string): { headers?: Record<string, string>; error?: string } {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return { error: "-headers is not valid JSON (expected an object like {\"X-Team\":\"soc\"})" };
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) return { error: "-headers must be a JSON object of header name → string value" };
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length > MAX_HEADERS) return { error: `-headers: at most ${MAX_HEADERS} headers` };
  for (const [name, value] of entries) {
    const err = headerError(name, value);
    if (err) return { error: `-headers: ${err}` };
    const lower = name.toLowerCase();
    if (seen.has(lower)) return { error: `-headers: header ${name} given twice` };
    seen.add(lower);
    out[name] = value as string;
  }
  return { headers: out };
}

function headerError(name: string, value: unknown): string | undefined {
  if (!HEADER_NAME.test(name)) return `${JSON.stringify(name.slice(0, 40))} is not a valid header name`;
  const lower = name.toLowerCase();
  if (REFUSED_HEADERS.has(lower)) return `${name} cannot be overridden (hop-by-hop or computed by FANGS)`;
  if (lower.startsWith("x-fangs-")) return `${name}: the X-FANGS- headers are set by FANGS itself`;
  if (typeof value !== "string") return `${name}: value must be a string`;
  if (value.length > MAX_HEADER_VALUE) return `${name}: value longer than ${MAX_HEADER_VALUE} characters`;
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) return `${name}: value contains control characters`;
}

/** What may be shown of a target URL: Slack and Discord URLs are the secret,
 * a generic URL's query may carry a token. */
export function redactUrl(raw: string, template: string): string {
  try {
    const u = new URL(raw);
    if (template === "generic") return `${u.origin}${u.pathname}${u.search ? "?…" : ""}`;
    return u.pathname.length > 1 ? `${u.origin}/…` : u.origin;
  } catch {
    return "(invalid url)";
  }
}
