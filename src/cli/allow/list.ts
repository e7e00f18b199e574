import { existsSync } from "node:fs";
import { command, JSON_ARG, type Ctx } from "../command.ts";
import { cliActor } from "../../store/audit.ts";
import { listAllow, syncConfigAllowlist } from "../../store/allowlist.ts";
import { printListing } from "../output.ts";
import { allowJson } from "../../protocol/api.ts";

export default command({
  meta: { name: "list", description: "all allowlist entries (config-managed ones have cfg… ids)" },
  args: { package: { type: "string", description: "only entries for this package" }, ...JSON_ARG },
  async run(ctx) {
    const remote = ctx.remote();
    const rows = remote ? await remote.listAllow(ctx.args.package) : await listLocal(ctx);
    printListing(ctx.args.json, rows, {
      head: ["ID", "KIND", "VALUE", "PACKAGE", "SOURCE", "NOTE"],
      cells: (e) => [e.id.slice(0, 12), e.kind, e.value, e.package ?? "(global)", e.source, e.note ?? ""],
      empty: "(no allowlist entries; the built-in CDN list still applies)",
    });
  },
});

async function listLocal(ctx: Pick<Ctx<{}>, "store" | "config"> & { args: { package?: string } }) {
  const db = await ctx.store();
  // Show what the orchestrator will apply: the config file's entries as they
  // are now. Only when the file is there: run from another directory, the
  // CLI must not wipe the orchestrator's config-managed entries.
  const cfg = ctx.config();
  if (existsSync(cfg.config)) await syncConfigAllowlist(db, cfg.allowlist, cliActor());
  return (await listAllow(db, { package: ctx.args.package })).map(allowJson);
}
