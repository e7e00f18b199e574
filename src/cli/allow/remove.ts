import { command, JSON_ARG } from "../command.ts";
import { cliActor } from "../../store/audit.ts";
import { removeAllow } from "../../store/allowlist.ts";
import { printJson, safe } from "../output.ts";
import { allowJson } from "./json.ts";

export default command({
  meta: { name: "remove", description: "remove an allowlist entry by id or unique id prefix" },
  args: { id: { type: "positional", description: "entry id or unique prefix", required: true }, ...JSON_ARG },
  async run(ctx) {
    const e = await removeAllow(await ctx.store(), String(ctx.args.id), cliActor());
    if (ctx.args.json) printJson(allowJson(e));
    else console.log(`removed allowlist entry ${e.id}: ${e.kind} ${safe(e.value)}`);
  },
});
