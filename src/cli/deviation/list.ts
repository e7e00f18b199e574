import { command, JSON_ARG, need } from "../command.ts";
import { findRunByPrefix } from "../../store/runs.ts";
import { listDeviations } from "../../store/deviations.ts";
import { printJson, printTable } from "../output.ts";
import { deviationJson } from "../../orchestrator/json.ts";

export default command({
  meta: { name: "list", description: "a run's deviations, worst first" },
  args: {
    run: { type: "string", description: "run id or unique prefix" },
    all: { type: "boolean", description: "include cleared deviations" },
    ...JSON_ARG,
  },
  async run(ctx) {
    const db = await ctx.store();
    const run = await findRunByPrefix(db, need(ctx.args.run, "run", "fangs deviation list -run <run-id-prefix>"));
    const rows = await listDeviations(db, { runId: run.id, includeCleared: ctx.args.all });
    if (ctx.args.json) {
      printJson(rows.map(deviationJson));
      return;
    }
    printTable(
      ["ID", "SEVERITY", "PHASE", "CATEGORY", "ACTOR", "VALUE", "REASON"].concat(ctx.args.all ? ["CLEARED"] : []),
      rows.map((d) => [d.id.slice(0, 12), d.severity, d.phase, d.category, d.actor, d.value, d.reason].concat(ctx.args.all ? [d.cleared ? "yes" : "no"] : [])),
      `(no open deviations for run ${run.id})`,
    );
  },
});
