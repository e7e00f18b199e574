import { command, JSON_ARG } from "../command.ts";
import { listRuns } from "../../store/runs.ts";
import { assertKnownPackage } from "../../store/packages.ts";
import { ago, printJson, printTable } from "../output.ts";
import { runJson } from "../../protocol/api.ts";
import { exitLabel } from "../../protocol/sandbox.ts";
import { intFlag } from "../flags.ts";

export default command({
  meta: { name: "list", description: "runs, newest first" },
  args: {
    package: { type: "string", description: "only this package" },
    limit: { type: "string", description: "at most this many (default 20)" },
    ...JSON_ARG,
  },
  async run(ctx) {
    const limit = intFlag(ctx.args.limit, { name: "limit", min: 1, max: 100000, example: 20 }) ?? 20;
    const db = await ctx.store();
    if (ctx.args.package !== undefined) await assertKnownPackage(db, ctx.args.package);
    const rows = await listRuns(db, { package: ctx.args.package, limit });
    if (ctx.args.json) {
      printJson(rows.map(runJson));
      return;
    }
    printTable(
      ["RUN", "PACKAGE", "VERSION", "STATUS", "EXIT", "VERDICT", "DEVIATIONS", "MAX SEVERITY", "BASELINE", "EVENTS", "DROPPED", "CREATED"],
      rows.map((r) => [r.id.slice(0, 12), r.package, r.version, r.status, exitLabel(r.exit_code, r.status), r.verdict ?? "-", r.deviation_count, r.max_severity ?? "-", r.is_baseline ? "yes" : "no", r.events_count, r.events_dropped, ago(r.created_at)]),
      "(no runs)",
    );
  },
});
