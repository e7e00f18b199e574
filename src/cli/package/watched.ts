import { resolve } from "node:path";
import { command, JSON_ARG } from "../command.ts";
import { listWatched } from "../../store/packages.ts";
import { sourcesByPackage } from "../../store/package_sources.ts";
import { packageRegistry, parseSettings } from "../../protocol/package_settings.ts";
import { ago, iso, printListing } from "../output.ts";
import { settingsCell } from "./settings.ts";

export default command({
  meta: { name: "watched", description: "the current watch list, with each package's scan settings and lockfile sources" },
  args: {
    source: { type: "string", description: "only the packages imported from this lockfile" },
    ...JSON_ARG,
  },
  async run(ctx) {
    const db = await ctx.store();
    const source = ctx.args.source === undefined ? undefined : resolve(String(ctx.args.source));
    const rows = await listWatched(db, { source });
    const sources = await sourcesByPackage(db);
    const defaultRegistry = String(ctx.config().registry);
    const view = rows.map((p) => {
      const settings = parseSettings(p.settings);
      return { p, settings, registry: packageRegistry(defaultRegistry, settings), sources: sources.get(p.name) ?? [] };
    });
    printListing(ctx.args.json, view, {
      json: ({ p, settings, registry, sources }) => ({
        package: p.name, last_seen_version: p.last_seen_version, added_at: iso(p.added_at), last_polled_at: iso(p.last_polled_at), poll_error: p.poll_error,
        registry, settings, sources,
      }),
      head: ["PACKAGE", "LAST SEEN", "ADDED", "POLLED", "SETTINGS", "SOURCE", "POLL ERROR"],
      cells: ({ p, settings, sources }) => [p.name, p.last_seen_version ?? "-", ago(p.added_at), ago(p.last_polled_at), settingsCell(settings), sources.length ? sources.join(", ") : "-", p.poll_error ?? ""],
      empty: source ? `(no watched package was imported from ${source})` : "(no watched packages; add one with: fangs package add NAME)",
    });
  },
});
