// DNS-rebinding protection. Without a credential, the orchestrator trusts
// loopback peers; but a foreign web page can make a browser talk to
// 127.0.0.1 by resolving its own name there. The browser then sends that
// foreign name in the Host header: so where no credential guards a route,
// only IP literals and `localhost` are accepted as Host. -insecure-listen is
// the operator saying otherwise. Shared by the JSON API (rebindingGuard, via
// install.ts) and the UI (ui/headers.ts).
import type { Context, MiddlewareHandler } from "hono";
import { runnerAuthFromConfig } from "./runner.ts";

const IP_OR_LOCALHOST = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\]|localhost)(:\d+)?$/i;

export function isIpOrLocalhost(host: string): boolean {
  return IP_OR_LOCALHOST.test(host);
}

const hostOf = (c: Context) => c.req.header("host") ?? new URL(c.req.url).host;

/**
 * Why a request with no credential configured for it is refused, or
 * undefined. `credentialed` says whether the route is guarded by a configured
 * token or certificate (then host names are fine).
 */
export function reboundHostRefusal(c: Context, what: string, credentialed: boolean, insecure: boolean | undefined): string | undefined {
  if (credentialed || insecure || isIpOrLocalhost(hostOf(c))) return undefined;
  return `${what} answers only to an IP address or localhost in the Host header (a host name could be DNS rebinding)`;
}

export interface RebindingConfig {
  "operator-token"?: string;
  "runner-token"?: string;
  "tls-client-ca"?: string;
  "insecure-listen"?: boolean;
}

/**
 * For /v1/* and /metrics: runner routes are credentialed by the runner token
 * or mTLS, everything else by the operator token. Runs before any other
 * check, so a rebound page learns nothing but this refusal.
 */
export function rebindingGuard(cfg: RebindingConfig, isRunnerRoute: (method: string, path: string) => boolean): MiddlewareHandler {
  const runnerCredentialed = runnerAuthFromConfig(cfg).mode !== "open";
  const operatorCredentialed = !!cfg["operator-token"];
  return async (c, next) => {
    const runner = isRunnerRoute(c.req.method, c.req.path);
    const what = runner ? "without -runner-token or -tls-client-ca the runner API" : "without -operator-token the API";
    const refused = reboundHostRefusal(c, what, runner ? runnerCredentialed : operatorCredentialed, cfg["insecure-listen"]);
    if (refused) return c.json({ error: refused }, 403);
    await next();
  };
}
