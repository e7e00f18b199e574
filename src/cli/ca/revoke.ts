// `fangs ca revoke NAME`: refuse a runner's certificate from now on (a
// compromised or retired host). The orchestrator picks it up within seconds;
// issue a new certificate (`fangs ca issue-runner NAME -force`) for a
// replacement host.
import { existsSync, readFileSync } from "node:fs";
import { command, JSON_ARG } from "../command.ts";
import { CA_ARGS } from "./flags.ts";
import { describeCert, runnerPaths } from "../../tls/ca.ts";
import { revokeCertificate } from "../../store/revocations.ts";
import { cliActor } from "../../store/audit.ts";
import { FangsError } from "../../core/errors.ts";
import { printJson, safe } from "../output.ts";

export default command({
  meta: { name: "revoke", description: "revoke a runner's client certificate (by its file in the CA dir, or -serial)" },
  args: {
    name: { type: "positional", description: "runner name (reads <dir>/runners/NAME.crt)", required: false },
    serial: { type: "string", description: "serial number (hex) when the certificate file is gone" },
    reason: { type: "string", description: "why (kept in the audit log)" },
    ...CA_ARGS,
    ...JSON_ARG,
  },
  async run(ctx) {
    const name = ctx.args.name;
    let serial = ctx.args.serial;
    let cn = name ?? "";
    if (!serial) {
      if (!name) throw new FangsError("missing NAME or -serial", { hint: "fangs ca revoke scan-01 -reason 'host compromised'" });
      const p = runnerPaths(ctx.args.dir, name).cert;
      if (!existsSync(p)) throw new FangsError(`no certificate for runner ${JSON.stringify(name)} at ${p}`, { hint: "pass -dir, or -serial <hex> from the runner's certificate" });
      const d = await describeCert(readFileSync(p, "utf8"));
      serial = d.serial;
      cn = d.cn;
    } else if (!/^[0-9a-fA-F:]{1,128}$/.test(serial)) {
      throw new FangsError(`-serial must be hexadecimal (got ${JSON.stringify(serial)})`);
    }
    const r = await revokeCertificate(await ctx.store(), { serial, cn, reason: ctx.args.reason ?? null }, cliActor());
    if (ctx.args.json) return printJson({ serial: r.revoked.serial, cn: r.revoked.cn, revoked_at: new Date(r.revoked.revoked_at).toISOString(), reason: r.revoked.reason, already_revoked: r.already });
    if (r.already) console.log(`certificate ${r.revoked.serial} (${safe(r.revoked.cn)}) was already revoked`);
    else console.log(`revoked certificate ${r.revoked.serial} (${safe(r.revoked.cn)}); the orchestrator refuses it within seconds`);
  },
});
