// Browser sign-in for the (future) UI: POST /v1/session {token} checks the
// operator token (constant time) and sets the fangs_operator cookie
// (HttpOnly, SameSite=Strict, Secure under TLS); DELETE /v1/session clears it.
// Sign-in attempts are rate limited per client address against guessing.
import { Hono } from "hono";
import { deleteCookie } from "hono/cookie";
import * as v from "valibot";
import { secretEquals } from "./compare.ts";
import { OPERATOR_COOKIE, setOperatorCookie } from "./operator.ts";
import { peerOf } from "./peer.ts";
import { TokenBuckets } from "./rate-limit.ts";

const Login = v.strictObject({ token: v.pipe(v.string(), v.minLength(1), v.maxLength(1024)) });

export function sessionRoutes(opts: { token?: string; tls: boolean }) {
  const app = new Hono();
  const attempts = new TokenBuckets({ ratePerSec: 1, burst: 5 });
  app.post("/v1/session", async (c) => {
    const who = peerOf(c).address ?? "local";
    const r = attempts.take(who);
    if (!r.ok) {
      c.header("Retry-After", String(r.retryAfterS));
      return c.json({ error: "too many sign-in attempts", retry_after_s: r.retryAfterS }, 429);
    }
    if (!opts.token) return c.json({ error: "no operator token is configured: nothing to sign in to" }, 404);
    const body = v.safeParse(Login, await c.req.json().catch(() => undefined));
    if (!body.success) return c.json({ error: "invalid body: expected {\"token\": \"…\"}" }, 400);
    if (!secretEquals(body.output.token, opts.token)) return c.json({ error: "wrong operator token" }, 401);
    setOperatorCookie(c, opts.token, opts.tls);
    return c.body(null, 204);
  });
  app.delete("/v1/session", (c) => {
    deleteCookie(c, OPERATOR_COOKIE, { path: "/", secure: opts.tls });
    return c.body(null, 204);
  });
  return app;
}
