// `fangs run report <run-id-prefix> -format osv [-out FILE] [-url BASE]`: the
// OSV record of a release an operator confirmed malicious, validated before
// it is written. Evidence links point at the orchestrator (-url, else
// FANGS_ORCHESTRATOR, else the default address).
import { writeFileSync } from "node:fs";
import { command } from "../command.ts";
import { RUN_ARG } from "../args.ts";
import { FangsError } from "../../core/errors.ts";
import { findRunByPrefix } from "../../store/runs.ts";
import { listDeviations } from "../../store/deviations.ts";
import { getConfirmation } from "../../store/confirmations.ts";
import { osvRecord } from "../../report/osv.ts";
import { orchestratorUrl } from "../../client/orchestrator.ts";

export default command({
  meta: { name: "report", description: "write the OSV record of a run confirmed malicious (fangs run confirm)" },
  args: {
    ...RUN_ARG,
    format: { type: "string", description: "report format: osv" },
    out: { type: "string", description: "write to this file instead of stdout" },
    url: { type: "string", description: "orchestrator base URL the evidence links use (default FANGS_ORCHESTRATOR or http://127.0.0.1:8443)" },
  },
  async run(ctx) {
    if (ctx.args.format !== "osv") throw new FangsError(`bad -format ${JSON.stringify(ctx.args.format ?? "")}: only osv is written`, { hint: "fangs run report ID -format osv" });
    const db = await ctx.store();
    const run = await findRunByPrefix(db, String(ctx.args.run));
    const c = await getConfirmation(db, run.id);
    if (!c) throw new FangsError(`run ${run.id} (${run.package}@${run.version}) is not confirmed malicious`, { hint: `fangs run confirm ${run.id.slice(0, 12)} -note "why"` });
    // Cleared deviations too: promotion after confirmation does not erase the finding.
    const devs = await listDeviations(db, { runId: run.id, includeCleared: true });
    const text = JSON.stringify(osvRecord(run, devs, c, orchestratorUrl(ctx.args.url)), null, 2) + "\n";
    if (ctx.args.out) {
      writeFileSync(String(ctx.args.out), text, { mode: 0o644 });
      process.stderr.write(`wrote ${String(ctx.args.out)}\n`);
    } else process.stdout.write(text);
  },
});
