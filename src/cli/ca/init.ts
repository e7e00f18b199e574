import { command, JSON_ARG } from "../command.ts";
import { CA_ARGS } from "./flags.ts";
import { initCa, caPaths } from "../../tls/ca.ts";
import { printJson } from "../output.ts";

export default command({
  meta: { name: "init", description: "create a CA (ECDSA P-256, 5 years) that signs the server and runner certificates" },
  args: { ...CA_ARGS, ...JSON_ARG, cn: { type: "string", description: "CA common name (default \"FANGS CA\")" } },
  async run(ctx) {
    const dir = ctx.args.dir;
    const ca = await initCa(dir, { force: ctx.args.force, cn: ctx.args.cn || undefined });
    const p = caPaths(dir);
    if (ctx.args.json) return printJson({ cert: p.cert, key: p.key, not_after: ca.notAfter.toISOString() });
    console.log(`CA created: ${p.cert} (key ${p.key}, mode 0600), valid until ${ca.notAfter.toISOString()}`);
    console.log(`next: fangs ca issue-server <host> -dir ${dir}; fangs ca issue-runner <name> -dir ${dir}`);
  },
});
