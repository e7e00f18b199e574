// POST /v1/scans: queue a one-off scan. A watched package's stored settings
// (registry, network, duration, memory) apply unless the request overrides them. Queued even when no runner is alive —
// the answer then says so plainly, because the scan will wait.
import { Hono } from "hono";
import * as v from "valibot";
import type { AppDeps, AppEnv } from "../deps.ts";
import { valid } from "../validate.ts";
import { enqueueScan } from "../../store/runs.ts";
import { getRunner, countAliveRunners } from "../../store/runners.ts";
import { NETWORK_MODE } from "../../protocol/sandbox.ts";
import { RUNNER_ID } from "../../protocol/runner.ts";
import { DURATION, MEMORY_MB, REGISTRY_URL } from "../../protocol/package_settings.ts";
import { runJson, runUrls } from "../json.ts";
import { isExactVersion, packageNameError } from "../../protocol/npm_names.ts";

// npm's naming rules and exact SemVer (src/registry/names.ts); the messages never quote the input.
export const PACKAGE_NAME = v.pipe(v.string(), v.maxLength(214), v.check((n) => packageNameError(n) === undefined, "not a valid npm package name"));
export const VERSION_STR = v.pipe(v.string(), v.maxLength(256), v.check(isExactVersion, "not an exact version (e.g. 1.2.3): resolve a tag or range first, as fangs scan submit does"));

export const ScanRequest = v.strictObject({
  package: PACKAGE_NAME,
  version: VERSION_STR,
  runner: v.optional(v.nullable(RUNNER_ID)),
  duration: v.optional(DURATION),
  network: v.optional(NETWORK_MODE),
  registry_url: v.optional(REGISTRY_URL),
  memory_mb: v.optional(MEMORY_MB),
});

export function scanRoutes(d: AppDeps) {
  const app = new Hono<AppEnv>();
  app.post("/v1/scans", valid("json", ScanRequest), async (c) => {
    const b = c.req.valid("json");
    const spec = {
      ...(b.duration !== undefined && { duration_s: b.duration }),
      ...(b.network !== undefined && { network: b.network }),
      ...(b.registry_url !== undefined && { registry_url: b.registry_url }),
      ...(b.memory_mb !== undefined && { memory_mb: b.memory_mb }),
    };
    const run = await d.db.transaction().execute((trx) =>
      enqueueScan(trx, { package: b.package, version: b.version, source: "manual", runner: b.runner ?? null, spec, defaultRegistry: d.cfg.registry, actor: "api:operator" }),
    );
    d.dispatch.wake();
    const staleBefore = Date.now() - d.cfg["runner-stale-after"] * 1000;
    const alive = await countAliveRunners(d.db, staleBefore);
    let warning: string | null = null;
    if (b.runner) {
      const r = await getRunner(d.db, b.runner);
      if (!r || r.last_heartbeat_at < staleBefore) warning = `Runner ${b.runner} is not registered: the scan stays queued until it registers`;
    } else if (alive === 0) {
      warning = "No runners registered: the scan stays queued until a runner registers";
    }
    return c.json({ run_id: run.id, status: run.status, queued: true, runners_alive: alive, warning, urls: runUrls(run.id), run: runJson(run) }, 201);
  });
  return app;
}
