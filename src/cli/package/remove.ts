import { command, JSON_ARG } from "../command.ts";
import { cliActor } from "../../store/audit.ts";
import { unwatchPackage } from "../../service/packages.ts";
import { printJson, safe } from "../output.ts";

export default command({
  meta: { name: "remove", description: "stop watching a package (its runs and baseline stay)" },
  args: { name: { type: "positional", description: "package name", required: true }, ...JSON_ARG },
  async run(ctx) {
    const remote = ctx.remote();
    const p = remote ? await remote.unwatchPackage(String(ctx.args.name)) : await unwatchPackage(await ctx.store(), String(ctx.args.name), cliActor());
    if (ctx.args.json) printJson(p);
    else console.log(`stopped watching ${safe(p.package)}`);
  },
});
