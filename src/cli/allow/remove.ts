import { command, JSON_ARG } from "../command.ts";
import { operator } from "../operator.ts";
import { printJson, safe } from "../output.ts";

export default command({
  meta: { name: "remove", description: "remove an allowlist entry by id or unique id prefix" },
  args: { id: { type: "positional", description: "entry id or unique prefix", required: true }, ...JSON_ARG },
  async run(ctx) {
    const e = await (await operator(ctx)).allowRemove(String(ctx.args.id));
    if (ctx.args.json) printJson(e);
    else console.log(`removed allowlist entry ${e.id}: ${e.kind} ${safe(e.value)}`);
  },
});
