import { command, JSON_ARG } from "../command.ts";
import { RUN_ARG } from "../args.ts";
import { cliActor } from "../../store/audit.ts";
import { promote } from "../../service/baseline.ts";
import { printJson, safe } from "../output.ts";

export default command({
  meta: { name: "promote", description: "merge a run's fingerprints (allowlists applied) into its baseline and clear its deviations" },
  args: { ...RUN_ARG, ...JSON_ARG },
  async run(ctx) {
    const remote = ctx.remote();
    const r = remote ? await remote.promote(String(ctx.args.run)) : await promote(await ctx.store(), String(ctx.args.run), { actor: cliActor(), configAllow: ctx.config().allowlist });
    if (ctx.args.json) {
      printJson({ run_id: r.run_id, package: r.package, merged_fingerprints: r.merged_fingerprints, allowlisted: r.allowlisted, cleared_deviations: r.cleared_deviations });
      return;
    }
    console.log(`promoted run ${r.run_id} (${safe(r.package)}@${safe(r.version)}): ${r.merged_fingerprints} fingerprints merged into baseline, ${r.allowlisted} allowlisted, ${r.cleared_deviations} deviations cleared`);
  },
});
