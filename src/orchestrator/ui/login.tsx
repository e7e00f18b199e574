// Browser sign-in with a plain form: POST /ui/login (form-encoded) checks the
// operator token like POST /v1/session does and sets the same cookie, then
// redirects; POST /ui/logout clears it. Attempts are rate limited per address.
import { Hono } from "hono";
import { deleteCookie } from "hono/cookie";
import type { AppDeps, AppEnv } from "../deps.ts";
import { secretEquals } from "../auth/compare.ts";
import { OPERATOR_COOKIE, setOperatorCookie } from "../auth/operator.ts";
import { peerOf } from "../auth/peer.ts";
import { TokenBuckets } from "../auth/rate-limit.ts";
import { page } from "./render.tsx";
import { safeNext } from "./headers.ts";
import { LoginPage } from "../../../views/login.tsx";

export function loginRoutes(d: AppDeps) {
  const app = new Hono<AppEnv>();
  const attempts = new TokenBuckets({ ratePerSec: 1, burst: 5 });
  const token = () => d.cfg["operator-token"];
  const tls = () => Boolean(d.cfg["tls-cert"]);

  app.get("/ui/login", (c) => page(c, <LoginPage next={safeNext(c.req.query("next"))} />));
  app.post("/ui/login", async (c) => {
    const form = await c.req.parseBody();
    const next = safeNext(typeof form.next === "string" ? form.next : undefined);
    const r = attempts.take(peerOf(c).address ?? "local");
    if (!r.ok) {
      c.header("Retry-After", String(r.retryAfterS));
      return page(c, <LoginPage next={next} error={`Too many sign-in attempts: wait ${r.retryAfterS}s.`} />, 429);
    }
    const t = token();
    if (!t) return c.redirect(next, 303); // no token configured: loopback access needs no sign-in
    const given = typeof form.token === "string" ? form.token : "";
    if (!given || given.length > 1024 || !secretEquals(given, t)) return page(c, <LoginPage next={next} error="Wrong operator token." />, 401);
    setOperatorCookie(c, t, tls());
    return c.redirect(next, 303);
  });
  app.post("/ui/logout", (c) => {
    deleteCookie(c, OPERATOR_COOKIE, { path: "/", secure: tls() });
    return c.redirect("/ui/login", 303);
  });
  return app;
}
