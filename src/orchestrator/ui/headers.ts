// Headers and sign-in redirect for everything under /ui/. Installed by
// createApp() BEFORE the trust middleware so it wraps its answers too: a
// browser without the operator cookie is sent to /ui/login instead of being
// shown a JSON 401.
import type { MiddlewareHandler } from "hono";

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

export function uiHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (c.res.status === 401 && c.req.method === "GET") {
      const url = new URL(c.req.url);
      const login = `/ui/login?next=${encodeURIComponent(safeNext(url.pathname + url.search))}`;
      if (c.req.header("hx-request")) c.header("HX-Redirect", login);
      else c.res = c.redirect(login, 303);
    }
    c.header("Content-Security-Policy", UI_CSP);
    c.header("X-Frame-Options", "DENY");
    // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on
    // form POSTs, and the cookie CSRF check (auth/operator.ts) needs the origin.
    c.header("Referrer-Policy", "same-origin");
    if (!c.req.path.startsWith("/ui/static/")) c.header("Cache-Control", "no-store");
  };
}
