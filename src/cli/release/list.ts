import { command, JSON_ARG } from "../command.ts";
import { PACKAGE_FILTER } from "../args.ts";
import { listReleases } from "../../store/releases.ts";
import { assertKnownPackage } from "../../store/packages.ts";
import { ago, iso, printListing } from "../output.ts";

export default command({
  meta: { name: "list", description: "releases FANGS has decided to scan, newest first" },
  args: { ...PACKAGE_FILTER, ...JSON_ARG },
  async run(ctx) {
    const db = await ctx.store();
    if (ctx.args.package !== undefined) await assertKnownPackage(db, ctx.args.package);
    const rows = await listReleases(db, { package: ctx.args.package });
    printListing(ctx.args.json, rows, {
      json: (r) => ({ package: r.package, version: r.version, source: r.source, discovered_at: iso(r.discovered_at), runs: r.runs, last_run_id: r.last_run_id }),
      head: ["PACKAGE", "VERSION", "SOURCE", "DISCOVERED", "RUNS", "LAST RUN"],
      cells: (r) => [r.package, r.version, r.source, ago(r.discovered_at), r.runs, r.last_run_id?.slice(0, 12) ?? "-"],
      empty: "(no releases)",
    });
  },
});
