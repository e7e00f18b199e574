// `fangs ca revoked`: the runner certificates the orchestrator refuses.
import { command, JSON_ARG } from "../command.ts";
import { listRevoked } from "../../store/revocations.ts";
import { iso, printJson, printTable } from "../output.ts";

export default command({
  meta: { name: "revoked", description: "list revoked runner certificates" },
  args: { ...JSON_ARG },
  async run(ctx) {
    const rows = await listRevoked(await ctx.store());
    if (ctx.args.json) return printJson(rows.map((r) => ({ ...r, revoked_at: iso(r.revoked_at) })));
    printTable(["SERIAL", "CN", "REVOKED", "REASON"], rows.map((r) => [r.serial, r.cn, iso(r.revoked_at), r.reason ?? "-"]), "(no revoked certificates)");
  },
});
