// The web UI (the manual's pages), mounted by createApp(): static assets,
// sign-in, read pages and the htmx mutations. Errors on UI routes answer as
// HTML, with the same safe message the JSON API would give.
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../deps.ts";
import { FangsError } from "../../core/errors.ts";
import { assetAt } from "../../../views/static/assets.ts";
import { ErrorPage } from "../../../views/layout.tsx";
import { page, fragment } from "./render.tsx";
import { pageRoutes } from "./pages.tsx";
import { actionRoutes } from "./actions.tsx";
import { loginRoutes } from "./login.tsx";
import { controlRoutes } from "./control.tsx";
export { uiHeaders } from "./headers.ts";

export function uiRoutes(d: AppDeps) {
  const app = new Hono<AppEnv>();
  app.onError((err, c) => {
    const known = err instanceof FangsError;
    if (!known) d.log(`internal error on ${c.req.method} ${c.req.path}: ${err.stack ?? err.message}`);
    const status = known ? err.status : 500;
    const msg = known ? err.message : "internal error (see the orchestrator log)";
    if (c.req.header("hx-request")) return fragment(c, <span class="error">{msg}</span>, status);
    return page(c, <ErrorPage status={status} message={msg} hint={known ? err.hint : undefined} />, status);
  });

  app.get("/ui/static/*", (c) => {
    const a = assetAt(c.req.path);
    if (!a) return c.text("not found", 404);
    return c.body(a.body, 200, { "content-type": a.type, "cache-control": "public, max-age=31536000, immutable" });
  });
  app.route("/", loginRoutes(d));
  app.route("/", pageRoutes(d));
  app.route("/", actionRoutes(d));
  app.route("/", controlRoutes(d));
  app.all("/ui/*", (c) => page(c, <ErrorPage status={404} message={`no such page: ${c.req.path}`} hint="start at /ui/" />, 404));
  return app;
}
