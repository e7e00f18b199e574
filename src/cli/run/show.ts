import { command, JSON_ARG } from "../command.ts";
import { findRunByPrefix } from "../../store/runs.ts";
import { printJson, safe } from "../output.ts";
import { runJson } from "./json.ts";

export default command({
  meta: { name: "show", description: "one run in full" },
  args: { run: { type: "positional", description: "run id or unique prefix", required: true }, ...JSON_ARG },
  async run(ctx) {
    const r = runJson(await findRunByPrefix(await ctx.store(), String(ctx.args.run)));
    if (ctx.args.json) {
      printJson(r);
      return;
    }
    for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(18)} ${v !== null && typeof v === "object" ? safe(JSON.stringify(v)) : safe(v ?? "-")}`);
    if (r.deviation_count > 0 && !r.is_baseline) console.log(`\nsee: fangs deviation list -run ${r.id.slice(0, 12)}`);
  },
});
