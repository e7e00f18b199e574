import { command, JSON_ARG, need } from "../command.ts";
import { listBaseline } from "../../store/baseline.ts";
import { assertKnownPackage } from "../../store/packages.ts";
import { iso, printJson, printTable } from "../output.ts";

export default command({
  meta: { name: "list", description: "a package's baseline fingerprints" },
  args: { package: { type: "string", description: "package name" }, ...JSON_ARG },
  async run(ctx) {
    const pkg = need(ctx.args.package, "package", "fangs baseline list -package lodash");
    const db = await ctx.store();
    await assertKnownPackage(db, pkg);
    const rows = await listBaseline(db, pkg);
    if (ctx.args.json) {
      printJson(rows.map((r) => ({ category: r.category, actor: r.actor, value: r.value, occurrence_count: r.occurrence_count, first_seen_run: r.first_seen_run, last_seen_run: r.last_seen_run, first_seen_at: iso(r.first_seen_at), last_seen_at: iso(r.last_seen_at) })));
      return;
    }
    printTable(["CATEGORY", "ACTOR", "SEEN", "VALUE"], rows.map((r) => [r.category, r.actor, r.occurrence_count, r.value]), `(no baseline yet for ${pkg})`);
  },
});
