// `fangs pending`: the triage queue, one row per run with open deviations or
// incomplete evidence, each with the literal promote (or re-scan) command to copy.
import { command, JSON_ARG } from "./command.ts";
import { PACKAGE_FILTER } from "./args.ts";
import { assertSeverity, listPending, type PendingRow } from "../store/pending.ts";
import type { Store } from "../store/index.ts";
import type { OrchestratorClient } from "../client/orchestrator.ts";
import { assertKnownPackage } from "../store/packages.ts";
import { ago, iso, printListing, safe } from "./output.ts";

export default command({
  meta: { name: "pending", description: "runs with open deviations awaiting a decision" },
  args: {
    ...PACKAGE_FILTER,
    "min-severity": { type: "string", description: "only runs whose worst deviation is at least info|low|medium|high|critical" },
    ...JSON_ARG,
  },
  async run(ctx) {
    const remote = ctx.remote();
    const rows = remote ? await viaApi(remote, ctx.args) : await fromDb(await ctx.store(), ctx.args);
    printListing(ctx.args.json, rows, {
      json: (r) => ({ ...r, last_detected_at: iso(r.last_detected_at) }),
      head: ["RUN", "PACKAGE", "VERSION", "DEVIATIONS", "PHASES", "MAX SEVERITY", "LAST DETECTED", "PROMOTE WITH"],
      cells: (r) => [r.run_id.slice(0, 12), r.package, r.version, r.deviation_count, r.phases.join(",") || "-", r.incomplete ? `${r.max_severity} (incomplete)` : r.max_severity, ago(r.last_detected_at), r.promote_command],
      empty: "(nothing pending)",
    });
    if (ctx.args.json) return;
    // An incomplete run's evidence cannot be trusted either way: say why, and how to scan again.
    for (const r of rows.filter((r) => r.incomplete)) {
      console.log(`\n${r.run_id.slice(0, 12)} ${safe(r.package)}@${safe(r.version)}: evidence incomplete: ${safe(r.issues.join("; "))}`);
      console.log(`  re-scan with: ${safe(r.rescan_command)}`);
    }
  },
});

type Filter = { package?: string; "min-severity"?: string };

async function fromDb(db: Store, a: Filter): Promise<PendingRow[]> {
  if (a.package !== undefined) await assertKnownPackage(db, a.package);
  return listPending(db, { package: a.package, minSeverity: a["min-severity"] });
}

async function viaApi(api: OrchestratorClient, a: Filter): Promise<PendingRow[]> {
  if (a["min-severity"] !== undefined) assertSeverity(a["min-severity"]);
  const rows = await api.listPending({ package: a.package, min_severity: a["min-severity"] });
  return rows.map(({ last_detected_at_ms, ...r }) => ({ ...r, last_detected_at: last_detected_at_ms }));
}
