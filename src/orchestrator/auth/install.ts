// The trust boundary of the HTTP app in one place, installed by createApp()
// before any route: security headers, JSON-only bodies with size caps, who may
// call what (operator token vs runner mTLS/token, revoked certificates
// refused), and the per-runner ingest rate limit.
//   runner routes  - register/heartbeat/claim/deregister, event batches, finish
//   open routes    - /healthz (liveness probes carry no credentials) and the
//                    UI sign-in POST /v1/session (it checks the token itself)
//   everything else is an operator route (API, UI, /metrics)
// Without the credential a route needs, /v1/* and /metrics answer only to an
// IP literal or localhost Host (DNS rebinding, auth/rebinding.ts; the UI
// applies the same rule in ui/headers.ts).
import type { Context, Hono, MiddlewareHandler, Next } from "hono";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import type { Kysely } from "kysely";
import type { DB } from "../../store/schema.ts";
import { RevocationList } from "../../tls/revocation.ts";
import { limitBody, SMALL_BODY_BYTES, EVENT_BATCH_BYTES } from "./limits.ts";
import { operatorAuth } from "./operator.ts";
import { sessionRoutes } from "./session.ts";
import { runnerAuthConfig, runnerAuthFromConfig, runnerIdentity } from "./runner.ts";
import { INGEST_RATE, TokenBuckets, rateLimitByRunner, type BucketOptions } from "./rate-limit.ts";
import { rebindingGuard } from "./rebinding.ts";

const RUNNER_ROUTES: ReadonlyArray<[string, RegExp]> = [
  ["POST", /^\/v1\/runners\/register$/],
  ["POST", /^\/v1\/runners\/[^/]+\/(heartbeat|claim)$/],
  ["DELETE", /^\/v1\/runners\/[^/]+$/],
  ["POST", /^\/v1\/runs\/[^/]+\/(events|finish|manifest)$/],
];
const OPEN_ROUTES: ReadonlyArray<[string, RegExp]> = [
  ["GET", /^\/healthz$/],
  ["POST", /^\/v1\/session$/], // sign-in checks the token itself
  ["GET", /^\/ui\/login$/], // the UI's sign-in form, its form POST and the assets it needs
  ["POST", /^\/ui\/login$/],
  ["GET", /^\/ui\/static\/[^/]+$/],
];
const EVENTS_ROUTE = /^\/v1\/runs\/[^/]+\/(events|manifest)$/; // the big bodies (the manifest: src/protocol/manifest.ts)
const IMPORT_ROUTE = /^\/v1\/packages\/import$/; // an operator's lockfile import: up to MAX_IMPORT_PACKAGES packages

const JSON_TYPE = /^application\/json\s*(;|$)/i;
// The UI's forms and htmx send form-encoded bodies; only /ui/ routes take them.
const UI_FORM = (r: Request, path: string) => path.startsWith("/ui/") && /^application\/x-www-form-urlencoded\s*(;|$)/i.test(r.headers.get("content-type") ?? "");
const hasBody = (r: Request) => r.body !== null && r.headers.get("content-length") !== "0" && !["GET", "HEAD"].includes(r.method);

/**
 * Every API body is a JSON object. valibot's object() also accepts arrays (and
 * so `[]` would pass as `{}`): refuse anything else here. hono caches the
 * parsed body, so the route's validator does not parse it again.
 */
async function jsonObjectOnly(c: Context, next: Next): Promise<void> {
  // Thrown, not returned: this runs inside the auth middleware's next(),
  // which does not pass a returned Response on. The app's onError answers.
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new HTTPException(400, { message: "malformed JSON in request body" });
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw new HTTPException(400, { message: "request body must be a JSON object" });
  await next();
}

const matches = (table: ReadonlyArray<[string, RegExp]>, method: string, path: string) => table.some(([m, re]) => m === method && re.test(path));

export function routeClass(method: string, path: string): "runner" | "open" | "operator" {
  if (matches(RUNNER_ROUTES, method, path)) return "runner";
  if (matches(OPEN_ROUTES, method, path) || (method === "HEAD" && matches(OPEN_ROUTES, "GET", path))) return "open";
  return "operator";
}

export interface TrustConfig {
  "tls-cert"?: string;
  "tls-client-ca"?: string;
  "runner-token"?: string;
  "operator-token"?: string;
  "insecure-listen"?: boolean;
  /** Event batches per second per runner; 0 disables the limit. */
  "ingest-rate-limit"?: number;
}

export function installTrust(app: Hono<any>, cfg: TrustConfig, opts: { ingestRate?: BucketOptions; db?: Kysely<DB> } = {}): { buckets: TokenBuckets } {
  const small = limitBody(SMALL_BODY_BYTES);
  const big = limitBody(EVENT_BATCH_BYTES);
  const operator = operatorAuth({ token: cfg["operator-token"], insecure: cfg["insecure-listen"] });
  const perSec = cfg["ingest-rate-limit"];
  const rate = opts.ingestRate ?? (perSec === undefined ? INGEST_RATE : perSec > 0 ? { ratePerSec: perSec, burst: 2 * perSec } : undefined);
  const buckets = new TokenBuckets(rate ?? { ratePerSec: 1, burst: 1 });
  const sweep = setInterval(() => buckets.sweep(), 60_000);
  (sweep as { unref?: () => void }).unref?.();
  const ingestLimit = rateLimitByRunner(buckets);
  const identify = runnerIdentity({ required: true });

  const runnerFirstLook = runnerIdentity({ required: false }); // the route checks again, with its path params
  const runnerAuthOpts = runnerAuthFromConfig(cfg);
  if (runnerAuthOpts.mode === "mtls" && opts.db) {
    const revoked = new RevocationList(opts.db);
    runnerAuthOpts.isRevoked = (serial) => revoked.isRevoked(serial);
  }
  app.use("*", runnerAuthConfig(runnerAuthOpts));
  const rebinding = rebindingGuard(cfg, (m, p) => routeClass(m, p) === "runner");
  app.use("/v1/*", rebinding);
  app.use("/metrics", rebinding);
  // nosniff, no framing by other sites, no referrer leaks; HSTS only when we serve TLS.
  app.use("*", secureHeaders({ strictTransportSecurity: cfg["tls-cert"] ? "max-age=31536000" : false }));
  // Order: content type -> size cap -> credentials -> parse. Nothing is parsed
  // for a caller that has not authenticated, and never more than the cap.
  app.use("*", (async (c, next) => {
    const path = c.req.path;
    const cls = routeClass(c.req.method, path);
    const form = UI_FORM(c.req.raw, path);
    const withBody = hasBody(c.req.raw) && !form;
    if (withBody && !JSON_TYPE.test(c.req.header("content-type") ?? "")) {
      // The JSON validator would read a non-JSON body as {} (hono), and {} is a
      // valid body for some endpoints: refuse instead of guessing.
      return c.json({ error: "request body must be JSON (Content-Type: application/json)" }, 415);
    }
    const cap = (cls === "runner" && EVENTS_ROUTE.test(path)) || (cls === "operator" && IMPORT_ROUTE.test(path)) ? big : small;
    const gate: MiddlewareHandler = cls === "operator" ? operator : cls === "runner" ? runnerFirstLook : (_c, n) => n();
    return cap(c, () => gate(c, withBody ? () => jsonObjectOnly(c, next) : next) as Promise<void>);
  }) as MiddlewareHandler);
  app.route("/", sessionRoutes({ token: cfg["operator-token"], tls: !!cfg["tls-cert"] }));
  // Rate limit needs the runner's identity, resolved per route.
  if (rate) app.post("/v1/runs/:run/events", identify, ingestLimit);
  return { buckets };
}
