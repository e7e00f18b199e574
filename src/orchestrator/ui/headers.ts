// Headers and sign-in redirect for everything under /ui/. Installed by
// createApp() BEFORE the trust middleware so it wraps its answers too: a
// browser without the operator cookie is sent to /ui/login instead of being
// shown a JSON 401.
import type { Context, MiddlewareHandler } from "hono";
import { sameOrigin } from "../auth/operator.ts";
import { reboundHostRefusal } from "../auth/rebinding.ts";

// Scripts and styles only from our own static files: no inline script, no
// inline style, no eval (htmx's hx-on/js: are not used anywhere).
export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** Only a path of this UI is a safe place to return to after sign-in (no open redirect). */
export function safeNext(next: string | undefined): string {
  return next && /^\/ui\/[^\\]*$/.test(next) && !next.startsWith("//") ? next : "/ui/";
}

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Why a UI request is refused before it reaches auth, or undefined.
 * - Form posts are "simple" requests a foreign page can send without a CORS
 *   preflight, and without -operator-token there is no cookie to check: every
 *   UI mutation must come from a page of this origin.
 * - Without a token, a Host that is a DNS name could be a rebinding attack
 *   (a foreign name resolved to 127.0.0.1): only IP literals and localhost
 *   (-insecure-listen is the operator saying otherwise). The same rule as the
 *   JSON API's, from auth/rebinding.ts.
 */
export function uiRefusal(c: Context, cfg: { "operator-token"?: string; "insecure-listen"?: boolean }): string | undefined {
  const rebound = reboundHostRefusal(c, "without -operator-token the UI", !!cfg["operator-token"], cfg["insecure-listen"]);
  if (rebound) return rebound;
  if (!SAFE.has(c.req.method) && !sameOrigin(c)) return "cross-origin form post refused (it needs a same-origin Origin or Referer)";
  return undefined;
}

export function uiHeaders(cfg: { "operator-token"?: string; "insecure-listen"?: boolean }): MiddlewareHandler {
  return async (c, next) => {
    const refused = uiRefusal(c, cfg);
    if (refused) c.res = c.text(refused, 403);
    else await next();
    if (c.res.status === 401) {
      // htmx would swap the JSON 401 into the page (htmx 4 swaps 4xx): send
      // the browser to the sign-in page instead, for any method.
      const url = new URL(c.req.url);
      const back = c.req.header("hx-request") ? (c.req.header("hx-current-url") ?? "") : url.pathname + url.search;
      let path = back;
      try { path = back.startsWith("/") ? back : new URL(back).pathname; } catch {}
      const login = `/ui/login?next=${encodeURIComponent(safeNext(path))}`;
      if (c.req.header("hx-request")) c.header("HX-Redirect", login);
      else if (c.req.method === "GET") c.res = c.redirect(login, 303);
    }
    c.header("Content-Security-Policy", UI_CSP);
    c.header("X-Frame-Options", "DENY");
    // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on
    // form POSTs, and the cookie CSRF check (auth/operator.ts) needs the origin.
    c.header("Referrer-Policy", "same-origin");
    if (!c.req.path.startsWith("/ui/static/")) c.header("Cache-Control", "no-store");
  };
}
