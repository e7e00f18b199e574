import { hexIdPrefix } from "../../core/ids.ts";
import { command, JSON_ARG, need } from "../command.ts";
import { RUN_FLAG } from "../args.ts";
import { findRunByPrefix } from "../../store/runs.ts";
import { listDeviations } from "../../store/deviations.ts";
import { printListing } from "../output.ts";
import { deviationJson, type DeviationJson } from "../../protocol/api.ts";

export default command({
  meta: { name: "list", description: "a run's deviations, worst first" },
  args: {
    ...RUN_FLAG,
    all: { type: "boolean", description: "include cleared deviations" },
    ...JSON_ARG,
  },
  async run(ctx) {
    const prefix = need(ctx.args.run, "run", "fangs deviation list -run <run-id-prefix>");
    const remote = ctx.remote();
    // The API's shape either way: GET /v1/runs/:id/deviations takes the prefix too and answers them all, cleared included.
    const { run_id, deviations } = remote ? await remote.runDeviations(hexIdPrefix("run", prefix)) : await fromDb(await ctx.store(), prefix);
    const rows = ctx.args.all ? deviations : deviations.filter((d) => !d.cleared);
    printListing(ctx.args.json, rows, {
      json: (d) => d,
      head: ["ID", "SEVERITY", "PHASE", "CATEGORY", "ACTOR", "VALUE", "REASON"].concat(ctx.args.all ? ["CLEARED"] : []),
      cells: (d) => [d.id.slice(0, 12), d.severity, d.phase, d.category, d.actor, d.value, d.reason].concat(ctx.args.all ? [d.cleared ? "yes" : "no"] : []),
      empty: `(no open deviations for run ${run_id})`,
    });
  },
});

async function fromDb(db: Parameters<typeof findRunByPrefix>[0], prefix: string): Promise<{ run_id: string; deviations: DeviationJson[] }> {
  const run = await findRunByPrefix(db, prefix);
  return { run_id: run.id, deviations: (await listDeviations(db, { runId: run.id, includeCleared: true })).map(deviationJson) };
}
