import { command, JSON_ARG } from "../command.ts";
import { CA_ARGS, DAYS_ARG, parseDays } from "./flags.ts";
import { issueRunner } from "../../tls/ca.ts";
import { FangsError } from "../../core/errors.ts";
import { printJson } from "../output.ts";

export default command({
  meta: { name: "issue-runner", description: "issue a runner's client certificate; NAME (the CN) becomes its runner id" },
  args: {
    name: { type: "positional", description: "runner name, e.g. scan-01", required: false },
    ...DAYS_ARG,
    ...CA_ARGS,
    ...JSON_ARG,
  },
  async run(ctx) {
    const name = ctx.args.name;
    if (!name) throw new FangsError("missing NAME", { hint: "fangs ca issue-runner scan-01" });
    const r = await issueRunner(ctx.args.dir, name, { days: parseDays(ctx.args.days), force: ctx.args.force });
    if (ctx.args.json) return printJson({ runner_id: name, cert: r.paths.cert, key: r.paths.key, not_after: r.notAfter.toISOString() });
    console.log(`runner certificate for ${name}: ${r.paths.cert} (key ${r.paths.key}, mode 0600), valid until ${r.notAfter.toISOString()}`);
    console.log("copy both files and the CA certificate (ca.crt) to the runner host");
  },
});
