// GET /v1/notifiers and GET /v1/runs/:id/notifications, for the UI
// (/ui/notifiers) and scripts. Never a secret: targets come out redacted
// (notifierPublic), and secret_env is only the variable's name.
import { Hono } from "hono";
import * as v from "valibot";
import type { AppDeps, AppEnv } from "../deps.ts";
import { valid } from "../validate.ts";
import { RUN_ID } from "../../protocol/runner.ts";
import { NotFoundError } from "../../core/errors.ts";
import { getRun } from "../../store/runs.ts";
import { deliveryJson, listDeliveries, listNotifiers, notifierPublic } from "../../store/notifiers.ts";

const RunParam = v.object({ id: RUN_ID });

export function notifierRoutes(d: Pick<AppDeps, "db">) {
  const app = new Hono<AppEnv>();
  app.get("/v1/notifiers", async (c) => c.json({ notifiers: (await listNotifiers(d.db)).map(notifierPublic) }));
  app.get("/v1/runs/:id/notifications", valid("param", RunParam), async (c) => {
    const run = await getRun(d.db, c.req.valid("param").id);
    if (!run) throw new NotFoundError(`run ${c.req.valid("param").id}`, "list runs with GET /v1/runs");
    return c.json({ run_id: run.id, deliveries: (await listDeliveries(d.db, { runId: run.id, limit: 1000 })).map(deliveryJson) });
  });
  return app;
}
