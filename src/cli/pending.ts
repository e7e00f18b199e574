// `fangs pending`: the triage queue, one row per run with open deviations or
// incomplete evidence, each with the literal promote (or re-scan) command to copy.
import { command, JSON_ARG } from "./command.ts";
import { listPending } from "../store/pending.ts";
import { assertKnownPackage } from "../store/packages.ts";
import { ago, iso, printJson, printTable, safe } from "./output.ts";

export default command({
  meta: { name: "pending", description: "runs with open deviations awaiting a decision" },
  args: {
    package: { type: "string", description: "only this package" },
    "min-severity": { type: "string", description: "only runs whose worst deviation is at least info|low|medium|high|critical" },
    ...JSON_ARG,
  },
  async run(ctx) {
    const db = await ctx.store();
    if (ctx.args.package !== undefined) await assertKnownPackage(db, ctx.args.package);
    const rows = await listPending(db, { package: ctx.args.package, minSeverity: ctx.args["min-severity"] });
    if (ctx.args.json) {
      printJson(rows.map((r) => ({ ...r, last_detected_at: iso(r.last_detected_at) })));
      return;
    }
    printTable(
      ["RUN", "PACKAGE", "VERSION", "DEVIATIONS", "PHASES", "MAX SEVERITY", "LAST DETECTED", "PROMOTE WITH"],
      rows.map((r) => [r.run_id.slice(0, 12), r.package, r.version, r.deviation_count, r.phases.join(",") || "-", r.incomplete ? `${r.max_severity} (incomplete)` : r.max_severity, ago(r.last_detected_at), r.promote_command]),
      "(nothing pending)",
    );
    // An incomplete run's evidence cannot be trusted either way: say why, and how to scan again.
    for (const r of rows.filter((r) => r.incomplete)) {
      console.log(`\n${r.run_id.slice(0, 12)} ${safe(r.package)}@${safe(r.version)}: evidence incomplete: ${safe(r.issues.join("; "))}`);
      console.log(`  re-scan with: ${safe(r.rescan_command)}`);
    }
  },
});
