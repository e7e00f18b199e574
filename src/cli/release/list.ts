import { command, JSON_ARG } from "../command.ts";
import { listReleases } from "../../store/releases.ts";
import { assertKnownPackage } from "../../store/packages.ts";
import { ago, iso, printJson, printTable } from "../output.ts";

export default command({
  meta: { name: "list", description: "releases FANGS has decided to scan, newest first" },
  args: { package: { type: "string", description: "only this package" }, ...JSON_ARG },
  async run(ctx) {
    const db = await ctx.store();
    if (ctx.args.package !== undefined) await assertKnownPackage(db, ctx.args.package);
    const rows = await listReleases(db, { package: ctx.args.package });
    if (ctx.args.json) {
      printJson(rows.map((r) => ({ package: r.package, version: r.version, source: r.source, discovered_at: iso(r.discovered_at), runs: r.runs, last_run_id: r.last_run_id })));
      return;
    }
    printTable(["PACKAGE", "VERSION", "SOURCE", "DISCOVERED", "RUNS", "LAST RUN"], rows.map((r) => [r.package, r.version, r.source, ago(r.discovered_at), r.runs, r.last_run_id?.slice(0, 12) ?? "-"]), "(no releases)");
  },
});
