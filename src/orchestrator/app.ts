// The orchestrator's HTTP app, without a listener: server.ts listens (plain,
// TLS or mTLS), tests call app.request(). Auth middleware for operators and
// runners plugs in here; runner identity is resolved only in auth/runner.ts.
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "./deps.ts";
import { errorHandler, notFound } from "./errors.ts";
import { scanRoutes } from "./routes/scans.ts";
import { readRoutes } from "./routes/reads.ts";
import { runnerRoutes } from "./routes/runner_protocol.ts";
import { VERSION } from "../core/version.ts";
import { installTrust } from "./auth/install.ts";
import { auditRoutes } from "./routes/audit.ts";
import { uiHeaders, uiRoutes } from "./ui/index.tsx";
import { notifierRoutes } from "./routes/notifiers.ts";
import { releaseDiffRoutes } from "./routes/release_diff.ts";
import { operatorRoutes } from "./routes/operator.ts";

export function createApp(d: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError(errorHandler(d.log, d.storage));
  app.notFound(notFound);

  app.use("*", async (c, next) => {
    const t = performance.now();
    await next();
    if (c.req.method !== "GET" && c.req.method !== "HEAD" && c.res.status < 400) d.storage.succeeded();
    // routePath is the matched pattern (/v1/runs/:id), so label cardinality stays bounded.
    d.metrics.httpDuration.observe({ method: c.req.method, route: c.req.routePath, status: String(c.res.status) }, (performance.now() - t) / 1000);
  });

  app.use("/ui/*", uiHeaders(d.cfg)); // CSP + sign-in redirect, wrapping the trust middleware
  installTrust(app, d.cfg, { db: d.db }); // body caps, operator/runner auth + revocation, ingest rate limit (E)
  app.get("/healthz", (c) => c.json({ ok: true, version: VERSION }));
  app.get("/metrics", async (c) => c.text(await d.metrics.registry.metrics(), 200, { "content-type": d.metrics.registry.contentType }));
  app.route("/", scanRoutes(d));
  app.route("/", operatorRoutes(d));
  app.route("/", runnerRoutes(d));
  app.route("/", releaseDiffRoutes(d));
  app.route("/", readRoutes(d));
  app.route("/", auditRoutes(d));
  app.route("/", uiRoutes(d));
  app.route("/", notifierRoutes(d));
  return app;
}
