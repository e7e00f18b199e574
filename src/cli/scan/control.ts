// `fangs scan submit -control <package>`: re-scan the package's last
// baseline release now, on the runner and with the spec of its newest
// suspect run (ended, not on the baseline), and record it beside that run
// (POST /v1/runs/:id/control). `fangs run diff <suspect>` and the run page
// then show which deviations the control shows too (the environment) and
// which only the new release shows (the package).
import { FangsError } from "../../core/errors.ts";
import { printJson, safe } from "../output.ts";
import type { OrchestratorClient } from "../../client/orchestrator.ts";
import { followRun } from "./follow.ts";

const ENDED = new Set(["finished", "timed_out"]);

export async function submitControl(client: OrchestratorClient, pkg: string, o: { json?: boolean; wait?: boolean; run?: string }): Promise<void> {
  const base = client.base;
  const list = await client.listRuns({ package: pkg, limit: 200 });
  const suspect = o.run ? list.find((r) => r.id.startsWith(o.run!.toLowerCase())) : list.find((r) => ENDED.has(r.status) && !r.is_baseline && r.verdict !== null);
  if (!suspect) throw new FangsError(o.run ? `no run of ${pkg} starts with ${JSON.stringify(o.run)}` : `${pkg} has no ended run off its baseline to compare with`, { hint: `fangs run list -package ${pkg}` });
  const res = await client.startControl(suspect.id);
  const urls = { api: base + res.urls.api, ui: base + res.urls.ui };
  if (!o.wait) {
    if (o.json) printJson({ run_id: res.run_id, control_of: suspect.id, version: res.version, runner: res.runner, urls });
    else {
      console.log(`queued control run ${res.run_id}: ${safe(pkg)}@${safe(res.version)} (the last baseline release) beside run ${suspect.id} (${safe(pkg)}@${safe(suspect.version)})${res.runner ? ` on runner ${safe(res.runner)}` : ""}`);
      console.log(`  compare: fangs run diff ${suspect.id.slice(0, 12)}   (or ${base}/ui/runs/${suspect.id})`);
    }
    return;
  }
  if (!o.json) console.log(`queued control run ${res.run_id}; watch: ${urls.ui}`);
  const run = await followRun(client, res.run_id, !o.json);
  if (o.json) printJson({ run_id: res.run_id, control_of: suspect.id, urls, run });
  else console.log(`  compare: fangs run diff ${suspect.id.slice(0, 12)}`);
}
