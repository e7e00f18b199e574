import { command, JSON_ARG } from "../command.ts";
import { getNotifier } from "../../store/notifiers.ts";
import { notifyTest } from "../../notify/dispatch.ts";
import { NotFoundError } from "../../core/errors.ts";
import { printJson, safe } from "../output.ts";

export default command({
  meta: { name: "test", description: "fire a synthetic message at one notifier (even a disabled one) and print the outcome" },
  args: { name: { type: "positional", description: "notifier name", required: true }, ...JSON_ARG },
  async run(ctx) {
    const db = await ctx.store();
    const name = String(ctx.args.name);
    const n = await getNotifier(db, name);
    if (!n) throw new NotFoundError(`notifier ${JSON.stringify(name)}`, "fangs notifier list");
    const cfg = ctx.config();
    // Links in the message point where the orchestrator listens per the config.
    const r = await notifyTest(db, n, { baseUrl: `${cfg["tls-cert"] ? "https" : "http"}://${cfg.listen}` });
    if (r.outcome !== "delivered") process.exitCode = 1;
    if (ctx.args.json) return printJson({ notifier: n.name, ...r });
    const status = r.http_status === null ? "no HTTP answer" : `HTTP ${r.http_status}`;
    if (r.outcome === "delivered") console.log(`delivered test message to ${safe(n.name)} (${status}, ${r.attempts} attempt${r.attempts === 1 ? "" : "s"})`);
    else {
      process.stderr.write(`Error: test message to ${safe(n.name)} ${r.outcome} after ${r.attempts} attempt${r.attempts === 1 ? "" : "s"} (${status}): ${safe(r.error)}\n`);
      process.stderr.write(`Try: fangs notifier history -notifier ${safe(n.name)}\n`);
    }
  },
});
