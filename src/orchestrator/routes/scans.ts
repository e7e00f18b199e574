// POST /v1/scans: queue a one-off scan (service/scans.ts), then wake a
// waiting runner.
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../deps.ts";
import { valid } from "../validate.ts";
import { ScanRequest } from "../../protocol/operator.ts";
import { submitScan } from "../../service/scans.ts";
import { API_ACTOR } from "./operator.ts";

export function scanRoutes(d: AppDeps) {
  const app = new Hono<AppEnv>();
  app.post("/v1/scans", valid("json", ScanRequest), async (c) => {
    const res = await submitScan(d.db, c.req.valid("json"), { actor: API_ACTOR, defaultRegistry: d.cfg.registry, staleAfterMs: d.cfg["runner-stale-after"] * 1000 });
    d.dispatch.wake();
    return c.json(res, 201);
  });
  return app;
}
