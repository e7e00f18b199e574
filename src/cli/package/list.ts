import { command, JSON_ARG } from "../command.ts";
import { listPackages } from "../../store/packages.ts";
import { ago, iso, printListing } from "../output.ts";

export default command({
  meta: { name: "list", description: "packages with runs (post-scan summary)" },
  args: { ...JSON_ARG },
  async run(ctx) {
    const rows = await listPackages(await ctx.store());
    printListing(ctx.args.json, rows, {
      json: (r) => ({ ...r, last_run_at: iso(r.last_run_at) }),
      head: ["PACKAGE", "WATCHED", "RUNS", "BASELINE RUNS", "BASELINE FPS", "OPEN DEVIATIONS", "LAST RUN"],
      cells: (r) => [r.package, r.watched ? "yes" : "no", r.runs, r.baseline_runs, r.baseline_fingerprints, r.open_deviations, ago(r.last_run_at)],
      empty: "(no package has runs yet)",
    });
  },
});
