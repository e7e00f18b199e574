// Operator authentication for the API and UI. With -operator-token set, every
// request must present it as `Authorization: Bearer <token>` or in the
// `fangs_operator` cookie (for the browser UI); compared in constant time.
// Without a token only loopback peers get in (the listen policy already
// refuses a non-loopback listener without one unless -insecure-listen).
import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { bearerToken, secretEquals } from "./compare.ts";
import { peerOf } from "./peer.ts";
import { isLoopbackHost } from "./listen-policy.ts";

export const OPERATOR_COOKIE = "fangs_operator";

export interface OperatorAuthOptions { token?: string; insecure?: boolean }

export function operatorAuth(opts: OperatorAuthOptions): MiddlewareHandler {
  return async (c, next) => {
    if (opts.token) {
      const given = bearerToken(c.req.header("authorization")) ?? getCookie(c, OPERATOR_COOKIE);
      if (!secretEquals(given, opts.token)) {
        c.header("WWW-Authenticate", 'Bearer realm="fangs"');
        return c.json({ error: "operator token missing or wrong" }, 401);
      }
    } else if (!opts.insecure) {
      const addr = peerOf(c).address;
      // Unknown address (in-process app.request() in tests) counts as local.
      if (addr !== undefined && !isLoopbackHost(addr)) return c.json({ error: "operator access from a non-loopback address needs -operator-token" }, 403);
    }
    await next();
  };
}
