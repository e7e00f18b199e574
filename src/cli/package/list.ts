import { command, JSON_ARG } from "../command.ts";
import { listPackages } from "../../store/packages.ts";
import { ago, iso, printJson, printTable } from "../output.ts";

export default command({
  meta: { name: "list", description: "packages with runs (post-scan summary)" },
  args: { ...JSON_ARG },
  async run(ctx) {
    const rows = await listPackages(await ctx.store());
    if (ctx.args.json) {
      printJson(rows.map((r) => ({ ...r, last_run_at: iso(r.last_run_at) })));
      return;
    }
    printTable(
      ["PACKAGE", "WATCHED", "RUNS", "BASELINE RUNS", "BASELINE FPS", "OPEN DEVIATIONS", "LAST RUN"],
      rows.map((r) => [r.package, r.watched ? "yes" : "no", r.runs, r.baseline_runs, r.baseline_fingerprints, r.open_deviations, ago(r.last_run_at)]),
      "(no package has runs yet)",
    );
  },
});
