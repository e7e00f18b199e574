import { command, JSON_ARG } from "../command.ts";
import { listWatched } from "../../store/packages.ts";
import { ago, iso, printJson, printTable } from "../output.ts";

export default command({
  meta: { name: "watched", description: "the current watch list" },
  args: { ...JSON_ARG },
  async run(ctx) {
    const rows = await listWatched(await ctx.store());
    if (ctx.args.json) {
      printJson(rows.map((p) => ({ package: p.name, last_seen_version: p.last_seen_version, added_at: iso(p.added_at), last_polled_at: iso(p.last_polled_at), poll_error: p.poll_error })));
      return;
    }
    printTable(["PACKAGE", "LAST SEEN", "ADDED", "POLLED", "POLL ERROR"], rows.map((p) => [p.name, p.last_seen_version ?? "-", ago(p.added_at), ago(p.last_polled_at), p.poll_error ?? ""]), "(no watched packages; add one with: fangs package add NAME)");
  },
});
