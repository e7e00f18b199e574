// The operator's mutations as JSON endpoints (documented in ../API.md), each
// one call of a service function (src/service/), which the CLI and the UI use
// too. Bodies are checked with valibot at the edge (protocol/operator.ts);
// operator authentication applies as to every /v1 route (auth/install.ts).
import { Hono } from "hono";
import * as v from "valibot";
import type { AppDeps, AppEnv } from "../deps.ts";
import { valid } from "../validate.ts";
import { AllowAddRequest, ID_PREFIX, NotifierAddRequest, NotifierEnableRequest, PACKAGE_NAME, PackageAddRequest, PackageSetRequest } from "../../protocol/operator.ts";
import { setPackage, unwatchPackage, watchPackage } from "../../service/packages.ts";
import { allowAdd, allowRemove } from "../../service/allow.ts";
import { promote } from "../../service/baseline.ts";
import { notifierAdd, notifierRemove, notifierSetEnabled } from "../../service/notifiers.ts";
import { listAllow } from "../../store/allowlist.ts";
import { allowJson } from "../../protocol/api.ts";

/** Who the audit log names for a change made through the API. */
export const API_ACTOR = "api:operator";

const PkgParam = v.object({ name: PACKAGE_NAME });
const IdParam = v.object({ id: ID_PREFIX });
const NameParam = v.object({ name: v.pipe(v.string(), v.maxLength(64)) });

export function operatorRoutes(d: AppDeps) {
  const app = new Hono<AppEnv>();
  const who = { actor: API_ACTOR, defaultRegistry: d.cfg.registry };

  app.post("/v1/packages", valid("json", PackageAddRequest), async (c) => c.json(await watchPackage(d.db, c.req.valid("json"), who), 201));
  app.patch("/v1/packages/:name{.+}", valid("param", PkgParam), valid("json", PackageSetRequest), async (c) => c.json(await setPackage(d.db, c.req.valid("param").name, c.req.valid("json"), who)));
  app.delete("/v1/packages/:name{.+}", valid("param", PkgParam), async (c) => c.json(await unwatchPackage(d.db, c.req.valid("param").name, API_ACTOR)));

  app.get("/v1/allowlist", valid("query", v.strictObject({ package: v.optional(PACKAGE_NAME) })), async (c) => c.json({ entries: (await listAllow(d.db, { package: c.req.valid("query").package })).map(allowJson) }));
  app.post("/v1/allowlist", valid("json", AllowAddRequest), async (c) => {
    const b = c.req.valid("json");
    return c.json(await allowAdd(d.db, b, { actor: API_ACTOR, source: b.source ?? "api" }), 201);
  });
  app.delete("/v1/allowlist/:id", valid("param", IdParam), async (c) => c.json(await allowRemove(d.db, c.req.valid("param").id, API_ACTOR)));

  app.post("/v1/runs/:id/promote", valid("param", IdParam), async (c) => c.json(await promote(d.db, c.req.valid("param").id, { actor: API_ACTOR, configAllow: d.cfg.allowlist })));

  app.post("/v1/notifiers", valid("json", NotifierAddRequest), async (c) => c.json(await notifierAdd(d.db, c.req.valid("json"), API_ACTOR), 201));
  app.patch("/v1/notifiers/:name", valid("param", NameParam), valid("json", NotifierEnableRequest), async (c) => c.json(await notifierSetEnabled(d.db, c.req.valid("param").name, c.req.valid("json").enabled, API_ACTOR)));
  app.delete("/v1/notifiers/:name", valid("param", NameParam), async (c) => c.json(await notifierRemove(d.db, c.req.valid("param").name, API_ACTOR)));
  return app;
}
