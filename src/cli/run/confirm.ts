// `fangs run confirm <run-id-prefix> [-note N]`: record that this run's
// release is malicious (audited); `fangs run report … -format osv` then
// writes the record others can consume.
import { command, JSON_ARG } from "../command.ts";
import { RUN_ARG } from "../args.ts";
import { cliActor } from "../../store/audit.ts";
import { findRunByPrefix } from "../../store/runs.ts";
import { confirmRun } from "../../store/confirmations.ts";
import { iso, printJson, safe } from "../output.ts";

export default command({
  meta: { name: "confirm", description: "confirm a run's release malicious (then: fangs run report ID -format osv)" },
  args: {
    ...RUN_ARG,
    note: { type: "string", description: "why (goes into the OSV details)" },
    ...JSON_ARG,
  },
  async run(ctx) {
    const db = await ctx.store();
    const run = await findRunByPrefix(db, String(ctx.args.run));
    const note = ctx.args.note === undefined ? null : String(ctx.args.note).slice(0, 2000);
    const c = await db.transaction().execute((tx) => confirmRun(tx, run, note, cliActor()));
    if (ctx.args.json) return printJson({ run_id: run.id, package: run.package, version: run.version, confirmed_at: iso(c.confirmed_at), note });
    console.log(`confirmed ${safe(run.package)}@${safe(run.version)} (run ${run.id}) malicious`);
    console.log(`  report: fangs run report ${run.id.slice(0, 12)} -format osv -out ${safe(run.package.replace(/[@/]/g, "_"))}-${safe(run.version)}.json`);
  },
});
