// A control re-run (issue 14): the baseline release re-scanned now, on the
// runner and with the spec (image, registry, network, limits) of a suspect
// run, recorded beside it. Deviations both runs show come from the
// environment; those only the new release shows come from the package. The
// run, its control link and their audit record land in one transaction
// (POST /v1/runs/:id/control, the run page's button, fangs scan submit -control).
import type { Kysely } from "kysely";
import type { DB, Run } from "../store/schema.ts";
import { enqueueScan } from "../store/runs.ts";
import { lastBaselineRun, putControl } from "../store/manifests.ts";
import { FangsError } from "../core/errors.ts";
import type { SandboxSpec } from "../protocol/sandbox.ts";

export async function queueControl(db: Kysely<DB>, suspect: Run, actor: string): Promise<{ run: Run; baseline: Run }> {
  if (suspect.status === "queued" || suspect.status === "running") throw new FangsError(`run ${suspect.id} is ${suspect.status}: a control re-run compares with a run that ended`, { status: 409 });
  const baseline = await lastBaselineRun(db, suspect);
  if (!baseline) throw new FangsError(`${suspect.package} has no baseline release other than ${suspect.version} to re-scan`, { status: 409, hint: `promote a run of an earlier release first: fangs baseline promote <run>` });
  const spec = JSON.parse(suspect.spec) as SandboxSpec;
  const run = await db.transaction().execute(async (tx) => {
    const r = await enqueueScan(tx, { package: suspect.package, version: baseline.version, source: "manual", runner: suspect.runner_id ?? suspect.runner_target, spec, actor });
    await putControl(tx, { runId: r.id, controlOf: suspect.id, actor });
    return r;
  });
  return { run, baseline };
}
