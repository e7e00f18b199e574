import { command, JSON_ARG } from "../command.ts";
import { toggle } from "./toggle.ts";
import { operator } from "../operator.ts";

export default command({
  meta: { name: "disable", description: "stop firing a notifier without removing it (same as enable -enabled=false)" },
  args: { name: { type: "positional", description: "notifier name", required: true }, ...JSON_ARG },
  async run(ctx) {
    await toggle(await operator(ctx), String(ctx.args.name), false, ctx.args.json);
  },
});
