// `fangs ca revoked`: the runner certificates the orchestrator refuses.
import { command, JSON_ARG } from "../command.ts";
import { listRevoked } from "../../store/revocations.ts";
import { iso, printListing } from "../output.ts";

export default command({
  meta: { name: "revoked", description: "list revoked runner certificates" },
  args: { ...JSON_ARG },
  async run(ctx) {
    const rows = await listRevoked(await ctx.store());
    printListing(ctx.args.json, rows, {
      json: (r) => ({ ...r, revoked_at: iso(r.revoked_at) }),
      head: ["SERIAL", "CN", "REVOKED", "REASON"],
      cells: (r) => [r.serial, r.cn, iso(r.revoked_at), r.reason ?? "-"],
      empty: "(no revoked certificates)",
    });
  },
});
