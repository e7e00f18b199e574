import { command, JSON_ARG } from "../command.ts";
import { listNotifiers, notifierPublic } from "../../store/notifiers.ts";
import { printListing } from "../output.ts";

export default command({
  meta: { name: "list", description: "all notifiers (URLs redacted: a Slack/Discord URL is its own secret)" },
  args: { ...JSON_ARG },
  async run(ctx) {
    const remote = ctx.remote();
    const rows = remote ? await remote.listNotifiers() : (await listNotifiers(await ctx.store())).map(notifierPublic);
    printListing(ctx.args.json, rows, {
      head: ["NAME", "TEMPLATE", "ENABLED", "MIN SEVERITY", "SECRET ENV", "HEADERS", "URL"],
      cells: (n) => [n.name, n.template, n.enabled ? "yes" : "no", n.min_severity ?? "-", n.secret_env ?? "-", n.header_names.join(",") || "-", n.url],
      empty: "(no notifiers; add one with: fangs notifier add -name … -url https://… -template slack|discord|generic)",
    });
  },
});
