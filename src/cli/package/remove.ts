import { command, JSON_ARG } from "../command.ts";
import { cliActor } from "../../store/audit.ts";
import { removePackage } from "../../store/packages.ts";
import { printJson, safe } from "../output.ts";

export default command({
  meta: { name: "remove", description: "stop watching a package (its runs and baseline stay)" },
  args: { name: { type: "positional", description: "package name", required: true }, ...JSON_ARG },
  async run(ctx) {
    const db = await ctx.store();
    const p = await db.transaction().execute((tx) => removePackage(tx, String(ctx.args.name), cliActor()));
    if (ctx.args.json) printJson({ package: p.name, watched: false });
    else console.log(`stopped watching ${safe(p.name)}`);
  },
});
