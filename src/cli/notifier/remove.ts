import { command, JSON_ARG } from "../command.ts";
import { cliActor } from "../../store/audit.ts";
import { notifierRemove } from "../../service/notifiers.ts";
import { printJson, safe } from "../output.ts";

export default command({
  meta: { name: "remove", description: "delete a notifier (its delivery history stays)" },
  args: { name: { type: "positional", description: "notifier name", required: true }, ...JSON_ARG },
  async run(ctx) {
    const remote = ctx.remote();
    const n = remote ? await remote.notifierRemove(String(ctx.args.name)) : await notifierRemove(await ctx.store(), String(ctx.args.name), cliActor());
    if (ctx.args.json) return printJson(n);
    console.log(`removed notifier ${safe(n.name)}`);
  },
});
