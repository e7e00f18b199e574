import { command, JSON_ARG } from "../command.ts";
import { RUN_ARG } from "../args.ts";
import { operator } from "../operator.ts";
import { printJson, safe } from "../output.ts";

export default command({
  meta: { name: "promote", description: "merge a run's fingerprints (allowlists applied) into its baseline and clear its deviations" },
  args: { ...RUN_ARG, ...JSON_ARG },
  async run(ctx) {
    const r = await (await operator(ctx)).promote(String(ctx.args.run));
    if (ctx.args.json) {
      printJson({ run_id: r.run_id, package: r.package, merged_fingerprints: r.merged_fingerprints, allowlisted: r.allowlisted, cleared_deviations: r.cleared_deviations });
      return;
    }
    console.log(`promoted run ${r.run_id} (${safe(r.package)}@${safe(r.version)}): ${r.merged_fingerprints} fingerprints merged into baseline, ${r.allowlisted} allowlisted, ${r.cleared_deviations} deviations cleared`);
  },
});
