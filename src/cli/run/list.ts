import { command, JSON_ARG } from "../command.ts";
import { PACKAGE_FILTER } from "../args.ts";
import { listRuns } from "../../store/runs.ts";
import { assertKnownPackage } from "../../store/packages.ts";
import { ago, printListing } from "../output.ts";
import { runJson } from "../../protocol/api.ts";
import { exitLabel } from "../../protocol/sandbox.ts";
import { intFlag } from "../flags.ts";

export default command({
  meta: { name: "list", description: "runs, newest first" },
  args: {
    ...PACKAGE_FILTER,
    limit: { type: "string", description: "at most this many (default 20)" },
    ...JSON_ARG,
  },
  async run(ctx) {
    const limit = intFlag(ctx.args.limit, { name: "limit", min: 1, max: 100000, example: 20 }) ?? 20;
    const db = await ctx.store();
    if (ctx.args.package !== undefined) await assertKnownPackage(db, ctx.args.package);
    const rows = await listRuns(db, { package: ctx.args.package, limit });
    printListing(ctx.args.json, rows, {
      json: runJson,
      head: ["RUN", "PACKAGE", "VERSION", "STATUS", "EXIT", "VERDICT", "DEVIATIONS", "MAX SEVERITY", "BASELINE", "EVENTS", "DROPPED", "CREATED"],
      cells: (r) => [r.id.slice(0, 12), r.package, r.version, r.status, exitLabel(r.exit_code, r.status), r.verdict ?? "-", r.deviation_count, r.max_severity ?? "-", r.is_baseline ? "yes" : "no", r.events_count, r.events_dropped, ago(r.created_at)],
      empty: "(no runs)",
    });
  },
});
