// Everything the surfaces show about one run's release diff, loaded once:
// the stored diff and, beside it, its newest control re-run's deviations.
import type { Kysely } from "kysely";
import type { DB, Run } from "../store/schema.ts";
import { controlOf, getManifest, latestControl } from "../store/manifests.ts";
import { listDeviations } from "../store/deviations.ts";
import { controlJson, runDiffJson, type RunDiffJson } from "../releasediff/json.ts";

export async function loadRunDiff(db: Kysely<DB>, run: Run): Promise<RunDiffJson> {
  const control = await latestControl(db, run.id);
  const cj = control ? controlJson(control, await listDeviations(db, { runId: control.id, includeCleared: true }), await listDeviations(db, { runId: run.id, includeCleared: true })) : null;
  return runDiffJson(run, await getManifest(db, run.id), { control: cj, controlOf: (await controlOf(db, run.id)) ?? null });
}
