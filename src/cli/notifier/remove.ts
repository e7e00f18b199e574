import { command, JSON_ARG } from "../command.ts";
import { operator } from "../operator.ts";
import { printJson, safe } from "../output.ts";

export default command({
  meta: { name: "remove", description: "delete a notifier (its delivery history stays)" },
  args: { name: { type: "positional", description: "notifier name", required: true }, ...JSON_ARG },
  async run(ctx) {
    const n = await (await operator(ctx)).notifierRemove(String(ctx.args.name));
    if (ctx.args.json) return printJson(n);
    console.log(`removed notifier ${safe(n.name)}`);
  },
});
