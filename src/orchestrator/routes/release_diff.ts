// Issue 14's endpoints: the runner's install manifest in, the release diff out.
//   POST /v1/runs/:run/manifest   (runner)   InstallManifest -> { ok, stored, bytes }
//   GET  /v1/runs/:id/diff        (operator) -> RunDiffJson
//   POST /v1/runs/:id/control     (operator) -> 201 { run_id, control_of, version, urls }
import { Hono } from "hono";
import * as v from "valibot";
import type { AppDeps, AppEnv } from "../deps.ts";
import { valid } from "../validate.ts";
import { RUN_ID } from "../../protocol/runner.ts";
import { InstallManifest, MANIFEST_LIMITS } from "../../protocol/manifest.ts";
import { FangsError, NotFoundError } from "../../core/errors.ts";
import { getRun } from "../../store/runs.ts";
import { getManifest, putManifest } from "../../store/manifests.ts";
import { runnerIdentity } from "../auth/runner.ts";
import { ownedRun } from "./runner_protocol.ts";
import { loadRunDiff } from "../../service/run_diff.ts";
import { queueControl } from "../../service/control.ts";

export function releaseDiffRoutes(d: AppDeps) {
  const app = new Hono<AppEnv>();
  const named = runnerIdentity({ required: true });

  app.post("/v1/runs/:run/manifest", named, valid("param", v.object({ run: RUN_ID })), valid("json", InstallManifest), async (c) => {
    const { run: runId } = c.req.valid("param");
    const run = await ownedRun(d, runId, c.get("runnerId"));
    const m = c.req.valid("json");
    if (m.package !== run.package || m.version !== run.version) throw new FangsError(`the manifest is for ${m.package}@${m.version}, the run scans ${run.package}@${run.version}`, { status: 400 });
    const existing = await getManifest(d.db, runId);
    if (existing) return c.json({ ok: true, stored: false, bytes: existing.bytes });
    if (run.status !== "running") throw new FangsError(`run ${runId} is ${run.status}; its manifest had to come before the finish`, { status: 409 });
    const json = JSON.stringify(m);
    if (json.length > MANIFEST_LIMITS.bytes) throw new FangsError(`manifest larger than ${MANIFEST_LIMITS.bytes} bytes`, { status: 413 });
    const stored = await putManifest(d.db, runId, json, m.collect_ms === undefined ? null : Math.round(m.collect_ms));
    return c.json({ ok: true, stored, bytes: json.length });
  });

  app.get("/v1/runs/:id/diff", valid("param", v.object({ id: RUN_ID })), async (c) => {
    const { id } = c.req.valid("param");
    const run = await getRun(d.db, id);
    if (!run) throw new NotFoundError(`run ${id}`, "list runs with GET /v1/runs");
    return c.json(await loadRunDiff(d.db, run));
  });

  app.post("/v1/runs/:id/control", valid("param", v.object({ id: RUN_ID })), async (c) => {
    const { id } = c.req.valid("param");
    const run = await getRun(d.db, id);
    if (!run) throw new NotFoundError(`run ${id}`, "list runs with GET /v1/runs");
    const q = await queueControl(d.db, run, "api:operator");
    d.dispatch.wake();
    d.log(`run ${q.run.id} queued: control re-run of ${run.package}@${q.baseline.version} beside run ${run.id}`);
    return c.json({ run_id: q.run.id, control_of: run.id, package: run.package, version: q.baseline.version, runner: q.run.runner_target, urls: { api: `/v1/runs/${q.run.id}`, ui: `/ui/runs/${q.run.id}` } }, 201);
  });

  return app;
}
