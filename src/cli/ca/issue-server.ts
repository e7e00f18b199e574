import { command, JSON_ARG } from "../command.ts";
import { CA_ARGS, DAYS_ARG, parseDays } from "./flags.ts";
import { issueServer, caPaths } from "../../tls/ca.ts";
import { FangsError } from "../../core/errors.ts";
import { printJson } from "../output.ts";

export default command({
  meta: { name: "issue-server", description: "issue the orchestrator's TLS certificate for HOST (≤1 year)" },
  args: {
    host: { type: "positional", description: "host name or IP the runners and operators connect to", required: false },
    san: { type: "string", description: "extra subject alternative names, comma-separated (e.g. 127.0.0.1,localhost)" },
    ...DAYS_ARG,
    ...CA_ARGS,
    ...JSON_ARG,
  },
  async run(ctx) {
    const host = ctx.args.host;
    if (!host) throw new FangsError("missing HOST", { hint: "fangs ca issue-server orchestrator.example.org -san 127.0.0.1" });
    const sans = (ctx.args.san ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    const r = await issueServer(ctx.args.dir, host, { sans, days: parseDays(ctx.args.days), force: ctx.args.force });
    if (ctx.args.json) return printJson({ cert: r.paths.cert, key: r.paths.key, not_after: r.notAfter.toISOString() });
    console.log(`server certificate for ${host}: ${r.paths.cert} (key ${r.paths.key}, mode 0600), valid until ${r.notAfter.toISOString()}`);
    console.log(`serve with: fangs serve -tls-cert ${r.paths.cert} -tls-key ${r.paths.key} -tls-client-ca ${caPaths(ctx.args.dir).cert}`);
    console.log(`CLI clients (fangs scan submit) trust it with: export NODE_EXTRA_CA_CERTS=${caPaths(ctx.args.dir).cert}`);
  },
});
