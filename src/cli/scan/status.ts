// `fangs scan status <run-id>`: one run as the orchestrator reports it.
import { command, JSON_ARG } from "../command.ts";
import { printJson, safe } from "../output.ts";
import { followRun } from "./follow.ts";

export default command({
  meta: { name: "status", description: "show a run's status from the orchestrator (--wait follows it)" },
  args: {
    run: { type: "positional", description: "run id (16 hex characters)", required: true },
    wait: { type: "boolean", description: "follow the run until it ends" },
    ...JSON_ARG,
  },
  async run(ctx) {
    const client = ctx.orchestrator();
    const id = String(ctx.args.run);
    const run: Record<string, unknown> = ctx.args.wait ? await followRun(client, id, !ctx.args.json) : await client.getRun(id);
    if (ctx.args.json) return printJson(run);
    if (ctx.args.wait) return;
    for (const k of ["id", "package", "version", "status", "verdict", "runner_id", "created_at", "finished_at", "exit_code", "failure_reason", "events_count", "events_dropped", "deviation_count", "max_severity"]) {
      console.log(`${k.padEnd(16)} ${safe(run[k] ?? "-")}`);
    }
  },
});
