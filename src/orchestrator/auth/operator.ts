// Operator authentication for the API and UI. With -operator-token set, every
// request must present it as `Authorization: Bearer <token>` or in the
// `fangs_operator` cookie (for the browser UI); compared in constant time.
// A browser sends cookies on cross-site requests too, so a cookie-authenticated
// request that changes something must come from our own origin (Origin or
// Referer naming this host): no cross-site request forgery. Bearer requests
// are not sent by browsers on their own and need no such check.
// Without a token only loopback peers get in (the listen policy already
// refuses a non-loopback listener without one unless -insecure-listen).
import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { bearerToken, secretEquals } from "./compare.ts";
import { peerOf } from "./peer.ts";
import { isLoopbackHost } from "./listen-policy.ts";

export const OPERATOR_COOKIE = "fangs_operator";

export interface OperatorAuthOptions { token?: string; insecure?: boolean }

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Does the request say it comes from a page of this very origin? */
export function sameOrigin(c: Context): boolean {
  const src = c.req.header("origin") ?? c.req.header("referer");
  if (!src || src === "null") return false;
  try {
    return new URL(src).host === new URL(c.req.url).host;
  } catch {
    return false;
  }
}

export function operatorAuth(opts: OperatorAuthOptions): MiddlewareHandler {
  return async (c, next) => {
    if (opts.token) {
      const bearer = bearerToken(c.req.header("authorization"));
      const given = bearer ?? getCookie(c, OPERATOR_COOKIE);
      if (!secretEquals(given, opts.token)) {
        c.header("WWW-Authenticate", 'Bearer realm="fangs"');
        return c.json({ error: "operator token missing or wrong" }, 401);
      }
      if (bearer === undefined && !SAFE_METHODS.has(c.req.method) && !sameOrigin(c)) {
        return c.json({ error: "cross-origin request refused (cookie authentication needs a same-origin Origin or Referer)" }, 403);
      }
    } else if (!opts.insecure) {
      const addr = peerOf(c).address;
      // Unknown address (in-process app.request() in tests) counts as local.
      if (addr !== undefined && !isLoopbackHost(addr)) return c.json({ error: "operator access from a non-loopback address needs -operator-token" }, 403);
    }
    await next();
  };
}

/** For the UI's login: the cookie the browser then sends (not readable by scripts, same-site only). */
export function setOperatorCookie(c: Context, token: string, secure: boolean): void {
  setCookie(c, OPERATOR_COOKIE, token, { httpOnly: true, sameSite: "Strict", secure, path: "/", maxAge: 12 * 3600 });
}
