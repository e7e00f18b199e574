// `fangs runner list`: the runner pool with heartbeat freshness and the run
// each one holds, read from the database the orchestrator writes (or, with
// -orchestrator, as the orchestrator reports it: alive by its stale limit).
import { command, JSON_ARG } from "../command.ts";
import { listRunners } from "../../store/runners.ts";
import { runnerJson } from "../../protocol/api.ts";
import { ago, printListing } from "../output.ts";

export default command({
  meta: { name: "list", description: "registered runners, heartbeat age and active run" },
  args: { ...JSON_ARG },
  async run(ctx) {
    const remote = ctx.remote();
    const staleMs = ctx.config()["runner-stale-after"] * 1000;
    const rows = remote ? await remote.listRunners() : (await listRunners(await ctx.store())).map((r) => runnerJson(r, staleMs));
    printListing(ctx.args.json, rows, {
      head: ["ID", "HOSTNAME", "VERSION", "HEARTBEAT", "STATE", "ACTIVE RUN"],
      cells: (r) => [r.id, r.hostname, r.version ?? "-", ago(r.last_heartbeat_at_ms as number), r.alive ? "alive" : "stale", r.active_run_id ?? "-"],
      empty: "(no runners registered: start one with fangs runner)",
    });
  },
});
