import { command, JSON_ARG } from "../command.ts";
import { cliActor } from "../../store/audit.ts";
import { findRunByPrefix } from "../../store/runs.ts";
import { promoteRun } from "../../triage/promote.ts";
import { printJson, safe } from "../output.ts";

export default command({
  meta: { name: "promote", description: "merge a run's fingerprints (allowlists applied) into its baseline and clear its deviations" },
  args: { run: { type: "positional", description: "run id or unique prefix", required: true }, ...JSON_ARG },
  async run(ctx) {
    const db = await ctx.store();
    const run = await findRunByPrefix(db, String(ctx.args.run));
    const r = await promoteRun(db, run.id, cliActor(), { configAllow: ctx.config().allowlist });
    if (ctx.args.json) {
      printJson({ run_id: r.runId, package: r.package, merged_fingerprints: r.merged, allowlisted: r.allowlisted, cleared_deviations: r.cleared });
      return;
    }
    console.log(`promoted run ${r.runId} (${safe(r.package)}@${safe(run.version)}): ${r.merged} fingerprints merged into baseline, ${r.allowlisted} allowlisted, ${r.cleared} deviations cleared`);
  },
});
