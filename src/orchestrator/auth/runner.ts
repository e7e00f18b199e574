// Who is the calling runner? One middleware for every /v1/runners and
// /v1/runs route a runner uses, setting c.get("runnerId"):
//   mtls  - a certificate signed by -tls-client-ca is required; its CN is the
//           runner id (the X-Fangs-Runner header, if sent, must agree);
//   token - `Authorization: Bearer <runner-token>` (constant-time compare);
//           the runner names itself in X-Fangs-Runner;
//   open  - loopback-only development: the header names the runner.
// A path :id naming another runner is refused (403). That a runner streams
// into and finishes only runs it claimed is checked where the run is loaded
// (routes/runner_protocol.ts ownedRun), against c.get("runnerId").
import type { Context, MiddlewareHandler } from "hono";
import * as v from "valibot";
import { RUNNER_ID, RUNNER_ID_HEADER } from "../../protocol/runner.ts";
import { bearerToken, secretEquals } from "./compare.ts";
import { peerOf } from "./peer.ts";
import { runnerAuthMode, type RunnerAuthMode } from "./listen-policy.ts";

declare module "hono" {
  interface ContextVariableMap {
    /** The authenticated runner (undefined only on register in token/open mode, before it has a name). */
    runnerId: string | undefined;
    /** How runners authenticate on this listener; set once per app by runnerAuthConfig(). */
    runnerAuth: RunnerAuthOptions;
  }
}

export interface RunnerAuthOptions {
  mode: RunnerAuthMode;
  token?: string;
  /** mTLS: is this certificate serial revoked (`fangs ca revoke`)? */
  isRevoked?: (serial: string | undefined) => Promise<boolean>;
}
export type RunnerEnv = { Variables: { runnerId: string | undefined; runnerAuth: RunnerAuthOptions } };

const deny = (c: Context, status: 401 | 403, error: string) => c.json({ error }, status);

/** The runner auth a configuration asks for (same rule as the listener's). */
export function runnerAuthFromConfig(cfg: { "tls-client-ca"?: string; "runner-token"?: string }): RunnerAuthOptions {
  const mode = runnerAuthMode({ tlsClientCa: cfg["tls-client-ca"], runnerToken: cfg["runner-token"] });
  return mode === "token" ? { mode, token: cfg["runner-token"] } : { mode };
}

/** App-level middleware: make the configured runner auth available to runnerIdentity(). */
export function runnerAuthConfig(opts: RunnerAuthOptions): MiddlewareHandler {
  if (opts.mode === "token" && !opts.token) throw new Error("runnerAuth: token mode without a token");
  return async (c, next) => {
    c.set("runnerAuth", opts);
    await next();
  };
}

/**
 * The one runner authentication, per route (routes/runner_protocol.ts and the
 * gate in auth/install.ts): authenticate with the app's configured mode; `required` routes also need a runner id (register
 * may arrive unnamed in token/open mode and name itself in the body).
 * Fails closed when no configuration was installed.
 */
export function runnerIdentity(o: { required: boolean }): MiddlewareHandler {
  return async (c, next) => {
    const opts = c.get("runnerAuth");
    if (!opts) return c.json({ error: "runner authentication is not configured" }, 500);
    const who = await authenticate(c, opts);
    if (who instanceof Response) return who;
    if (o.required && !who.id) return deny(c, 401, `name the runner in the ${RUNNER_ID_HEADER} header`);
    c.set("runnerId", who.id);
    await next();
  };
}

async function authenticate(c: Context, opts: RunnerAuthOptions): Promise<{ id: string | undefined } | Response> {
  const header = c.req.header(RUNNER_ID_HEADER);
  if (header !== undefined && !v.is(RUNNER_ID, header)) return deny(c, 401, `malformed ${RUNNER_ID_HEADER} header`);
  let id: string | undefined;
  if (opts.mode === "mtls") {
    const cert = peerOf(c).cert;
    if (!cert) return deny(c, 401, "runner client certificate required");
    if (!cert.authorized) return deny(c, 401, "runner client certificate not signed by the configured CA");
    if (opts.isRevoked && (await opts.isRevoked(cert.serial))) return deny(c, 401, "runner client certificate has been revoked");
    if (!v.is(RUNNER_ID, cert.cn)) return deny(c, 403, "runner certificate CN is not a valid runner id");
    // On register the header is only the runner's guess at its name (its
    // hostname): the CN decides and the answer tells the runner. Afterwards a
    // disagreeing header means a confused or lying runner.
    const registering = c.req.path === "/v1/runners/register";
    if (header !== undefined && header !== cert.cn && !registering) return deny(c, 403, `${RUNNER_ID_HEADER} does not match the certificate CN`);
    id = cert.cn;
  } else {
    if (opts.mode === "token" && !secretEquals(bearerToken(c.req.header("authorization")), opts.token ?? "")) {
      c.header("WWW-Authenticate", 'Bearer realm="fangs-runner"');
      return deny(c, 401, "runner token missing or wrong");
    }
    id = header;
  }
  const pathId = c.req.param("id");
  if (pathId !== undefined) {
    if (id === undefined) id = pathId; // token/open mode: the path names the runner
    else if (pathId !== id) return deny(c, 403, `runner ${id} may not act as runner ${pathId}`);
  }
  return { id };
}
