// The operator's mutations as JSON endpoints (documented in ../API.md), each
// one call of a service function (src/service/), which the CLI and the UI use
// too. Bodies are checked with valibot at the edge (protocol/operator.ts);
// operator authentication applies as to every /v1 route (auth/install.ts).
import { Hono } from "hono";
import { stream } from "hono/streaming";
import * as v from "valibot";
import type { AppDeps, AppEnv } from "../deps.ts";
import { valid } from "../validate.ts";
import { AllowAddRequest, ID_PREFIX, NotifierAddRequest, NotifierEnableRequest, PACKAGE_NAME, PackageAddRequest, PackageImportRequest, PackageSetRequest } from "../../protocol/operator.ts";
import { errorAnswer } from "../errors.ts";
import { localOperator } from "../../service/operator.ts";
import { listAllow } from "../../store/allowlist.ts";
import { allowJson } from "../../protocol/api.ts";

/** Who the audit log names for a change made through the API. */
export const API_ACTOR = "api:operator";

const PkgParam = v.object({ name: PACKAGE_NAME });
const IdParam = v.object({ id: ID_PREFIX });
const NameParam = v.object({ name: v.pipe(v.string(), v.maxLength(64)) });

export function operatorRoutes(d: AppDeps) {
  const app = new Hono<AppEnv>();
  const api = localOperator(d.db, { actor: API_ACTOR, source: "api", defaultRegistry: d.cfg.registry, configAllow: d.cfg.allowlist });

  app.post("/v1/packages", valid("json", PackageAddRequest), async (c) => {
    const r = await api.watchPackage(c.req.valid("json"));
    if (r.kickoff_run_id) d.dispatch.wake(); // a waiting runner claims the kickoff scan now
    return c.json(r, 201);
  });
  // A lockfile's packages (parsed by the CLI where the file is). With Accept:
  // application/x-ndjson the answer streams: {"progress":…} lines while the
  // registry is asked, then one {"result":…} or {"error":…,"hint"?,"status"} line.
  app.post("/v1/packages/import", valid("json", PackageImportRequest), async (c) => {
    const req = c.req.valid("json");
    const done = (r: { added: Array<{ kickoff_run_id: string | null }> }) => {
      if (r.added.some((x) => x.kickoff_run_id)) d.dispatch.wake();
    };
    if (!/application\/x-ndjson/i.test(c.req.header("accept") ?? "")) {
      const r = await api.importPackages(req);
      done(r);
      return c.json(r);
    }
    c.header("content-type", "application/x-ndjson");
    return stream(c, async (s) => {
      const line = (x: unknown) => s.write(JSON.stringify(x) + "\n");
      try {
        const r = await api.importPackages(req, (p) => void line({ progress: p }));
        done(r);
        await line({ result: r });
      } catch (e) {
        const a = errorAnswer(e as Error, "POST /v1/packages/import", d.log, d.storage);
        await line({ ...a.body, status: a.status });
      }
    });
  });
  app.patch("/v1/packages/:name{.+}", valid("param", PkgParam), valid("json", PackageSetRequest), async (c) => c.json(await api.setPackage(c.req.valid("param").name, c.req.valid("json"))));
  app.delete("/v1/packages/:name{.+}", valid("param", PkgParam), async (c) => c.json(await api.unwatchPackage(c.req.valid("param").name)));

  app.get("/v1/allowlist", valid("query", v.strictObject({ package: v.optional(PACKAGE_NAME) })), async (c) => c.json({ entries: (await listAllow(d.db, { package: c.req.valid("query").package })).map(allowJson) }));
  app.post("/v1/allowlist", valid("json", AllowAddRequest), async (c) => c.json(await api.allowAdd(c.req.valid("json")), 201));
  app.delete("/v1/allowlist/:id", valid("param", IdParam), async (c) => c.json(await api.allowRemove(c.req.valid("param").id)));

  app.post("/v1/runs/:id/promote", valid("param", IdParam), async (c) => c.json(await api.promote(c.req.valid("param").id)));

  app.post("/v1/notifiers", valid("json", NotifierAddRequest), async (c) => c.json(await api.notifierAdd(c.req.valid("json")), 201));
  app.patch("/v1/notifiers/:name", valid("param", NameParam), valid("json", NotifierEnableRequest), async (c) => c.json(await api.notifierSetEnabled(c.req.valid("param").name, c.req.valid("json").enabled)));
  app.delete("/v1/notifiers/:name", valid("param", NameParam), async (c) => c.json(await api.notifierRemove(c.req.valid("param").name)));
  return app;
}
