import { command, JSON_ARG, need } from "../command.ts";
import { RUN_FLAG } from "../args.ts";
import { findRunByPrefix } from "../../store/runs.ts";
import { listDeviations } from "../../store/deviations.ts";
import { printListing } from "../output.ts";
import { deviationJson } from "../../protocol/api.ts";

export default command({
  meta: { name: "list", description: "a run's deviations, worst first" },
  args: {
    ...RUN_FLAG,
    all: { type: "boolean", description: "include cleared deviations" },
    ...JSON_ARG,
  },
  async run(ctx) {
    const db = await ctx.store();
    const run = await findRunByPrefix(db, need(ctx.args.run, "run", "fangs deviation list -run <run-id-prefix>"));
    const rows = await listDeviations(db, { runId: run.id, includeCleared: ctx.args.all });
    printListing(ctx.args.json, rows, {
      json: deviationJson,
      head: ["ID", "SEVERITY", "PHASE", "CATEGORY", "ACTOR", "VALUE", "REASON"].concat(ctx.args.all ? ["CLEARED"] : []),
      cells: (d) => [d.id.slice(0, 12), d.severity, d.phase, d.category, d.actor, d.value, d.reason].concat(ctx.args.all ? [d.cleared ? "yes" : "no"] : []),
      empty: `(no open deviations for run ${run.id})`,
    });
  },
});
