import { command, JSON_ARG } from "../command.ts";
import { RUN_FLAG } from "../args.ts";
import { deliveryJson, getNotifier, listDeliveries } from "../../store/notifiers.ts";
import { findRunByPrefix } from "../../store/runs.ts";
import { FangsError, NotFoundError } from "../../core/errors.ts";
import { printListing, iso } from "../output.ts";

export default command({
  meta: { name: "history", description: "delivery attempts for one run (-run) or one notifier (-notifier, includes test messages)" },
  args: {
    ...RUN_FLAG,
    notifier: { type: "string", description: "notifier name" },
    ...JSON_ARG,
  },
  async run(ctx) {
    if (!ctx.args.run && !ctx.args.notifier) throw new FangsError("missing -run", { hint: "fangs notifier history -run <run-id-prefix>   (or -notifier NAME)" });
    const db = await ctx.store();
    const runId = ctx.args.run ? (await findRunByPrefix(db, ctx.args.run)).id : undefined;
    let notifierId: string | undefined;
    if (ctx.args.notifier) {
      const n = await getNotifier(db, ctx.args.notifier);
      if (!n) throw new NotFoundError(`notifier ${JSON.stringify(ctx.args.notifier)}`, "fangs notifier list");
      notifierId = n.id;
    }
    const rows = await listDeliveries(db, { runId, notifierId, limit: 1000 });
    printListing(ctx.args.json, rows, {
      json: deliveryJson,
      head: ["AT", "NOTIFIER", "RUN", "ATTEMPT", "OUTCOME", "HTTP", "ERROR"],
      cells: (r) => [iso(r.created_at), r.notifier_name ?? `(removed ${r.notifier_id})`, r.run_id ?? "(test)", r.attempt, r.outcome, r.http_status ?? "-", r.error ?? ""],
      empty: runId ? `(no delivery attempts for run ${runId}: no enabled notifier, or the run had no deviations)` : "(no delivery attempts)",
    });
  },
});
