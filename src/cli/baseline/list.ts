import { command, JSON_ARG, need } from "../command.ts";
import { listBaseline } from "../../store/baseline.ts";
import { listRuntimeBaseline } from "../../store/runtime.ts";
import { assertKnownPackage } from "../../store/packages.ts";
import { iso, printJson, printTable } from "../output.ts";

export default command({
  meta: { name: "list", description: "a package's baseline fingerprints, or with -runtime the sandbox images' runtime baselines (beneath every package's)" },
  args: {
    package: { type: "string", description: "package name" },
    runtime: { type: "boolean", description: "list the runtime baseline learned per sandbox image id instead" },
    image: { type: "string", description: "with -runtime: only image ids starting with this" },
    ...JSON_ARG,
  },
  async run(ctx) {
    const db = await ctx.store();
    if (ctx.args.runtime) {
      const rows = await listRuntimeBaseline(db, ctx.args.image);
      if (ctx.args.json) {
        printJson(rows.map((r) => ({ image_id: r.image_id, phase: r.phase, category: r.category, actor: r.actor, value: r.value, learned_at: iso(r.learned_at), learned_by: r.learned_by })));
        return;
      }
      printTable(["IMAGE", "PHASE", "CATEGORY", "ACTOR", "VALUE"], rows.map((r) => [r.image_id.replace(/^sha256:/, "").slice(0, 12), r.phase, r.category, r.actor, r.value]), "(no runtime baseline yet: a runner learns one before its first scan on an image)");
      return;
    }
    const pkg = need(ctx.args.package, "package", "fangs baseline list -package lodash (or -runtime)");
    await assertKnownPackage(db, pkg);
    const rows = await listBaseline(db, pkg);
    if (ctx.args.json) {
      printJson(rows.map((r) => ({ phase: r.phase, category: r.category, actor: r.actor, value: r.value, occurrence_count: r.occurrence_count, first_seen_run: r.first_seen_run, last_seen_run: r.last_seen_run, first_seen_at: iso(r.first_seen_at), last_seen_at: iso(r.last_seen_at) })));
      return;
    }
    printTable(["PHASE", "CATEGORY", "ACTOR", "SEEN", "VALUE"], rows.map((r) => [r.phase, r.category, r.actor, r.occurrence_count, r.value]), `(no baseline yet for ${pkg})`);
  },
});
