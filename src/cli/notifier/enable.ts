import { command, JSON_ARG } from "../command.ts";
import { parseEnabled } from "./flags.ts";
import { toggle } from "./toggle.ts";
import { operator } from "../operator.ts";

export default command({
  meta: { name: "enable", description: "enable a notifier (-enabled=false disables it without removing)" },
  args: {
    name: { type: "positional", description: "notifier name", required: true },
    enabled: { type: "string", description: "true (default) or false" },
    ...JSON_ARG,
  },
  async run(ctx) {
    await toggle(await operator(ctx), String(ctx.args.name), parseEnabled(ctx.args.enabled), ctx.args.json);
  },
});
