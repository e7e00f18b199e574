import { command, JSON_ARG } from "../command.ts";
import { cliActor } from "../../store/audit.ts";
import { allowRemove } from "../../service/allow.ts";
import { printJson, safe } from "../output.ts";

export default command({
  meta: { name: "remove", description: "remove an allowlist entry by id or unique id prefix" },
  args: { id: { type: "positional", description: "entry id or unique prefix", required: true }, ...JSON_ARG },
  async run(ctx) {
    const remote = ctx.remote();
    const e = remote ? await remote.allowRemove(String(ctx.args.id)) : await allowRemove(await ctx.store(), String(ctx.args.id), cliActor());
    if (ctx.args.json) printJson(e);
    else console.log(`removed allowlist entry ${e.id}: ${e.kind} ${safe(e.value)}`);
  },
});
