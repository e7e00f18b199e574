import { command, JSON_ARG } from "../command.ts";
import { operator } from "../operator.ts";
import { printJson, safe } from "../output.ts";

export default command({
  meta: { name: "remove", description: "stop watching a package (its runs and baseline stay)" },
  args: { name: { type: "positional", description: "package name", required: true }, ...JSON_ARG },
  async run(ctx) {
    const p = await (await operator(ctx)).unwatchPackage(String(ctx.args.name));
    if (ctx.args.json) printJson(p);
    else console.log(`stopped watching ${safe(p.package)}`);
  },
});
