import { command, JSON_ARG } from "../command.ts";
import { PACKAGE_FILTER } from "../args.ts";
import { listRuns } from "../../store/runs.ts";
import { assertKnownPackage } from "../../store/packages.ts";
import { ago, printListing } from "../output.ts";
import { runJson, type RunJson } from "../../protocol/api.ts";
import { exitLabel } from "../../protocol/sandbox.ts";
import { intFlag } from "../flags.ts";
import { FangsError } from "../../core/errors.ts";
import { API_MAX_RUNS } from "../../protocol/api.ts";
import type { Store } from "../../store/index.ts";

export default command({
  meta: { name: "list", description: "runs, newest first" },
  args: {
    ...PACKAGE_FILTER,
    limit: { type: "string", description: "at most this many (default 20)" },
    ...JSON_ARG,
  },
  async run(ctx) {
    const limit = intFlag(ctx.args.limit, { name: "limit", min: 1, max: 100000, example: 20 }) ?? 20;
    const remote = ctx.remote();
    if (remote && limit > API_MAX_RUNS) throw new FangsError(`-limit ${limit} is over the ${API_MAX_RUNS} runs the API lists at once`, { hint: `-limit ${API_MAX_RUNS}, or on the orchestrator's host: fangs run list -limit ${limit} -db …` });
    // The API's shape either way (GET /v1/runs answers it): one table, one --json.
    const rows: RunJson[] = remote ? await remote.listRuns({ package: ctx.args.package, limit }) : await fromDb(await ctx.store(), ctx.args.package, limit);
    printListing(ctx.args.json, rows, {
      json: (r) => r,
      head: ["RUN", "PACKAGE", "VERSION", "STATUS", "EXIT", "VERDICT", "DEVIATIONS", "MAX SEVERITY", "BASELINE", "EVENTS", "DROPPED", "CREATED"],
      cells: (r) => [r.id.slice(0, 12), r.package, r.version, r.status, exitLabel(r.exit_code, r.status), r.verdict ?? "-", r.deviation_count, r.max_severity ?? "-", r.is_baseline ? "yes" : "no", r.events_count, r.events_dropped, ago(Number(r.created_at_ms))],
      empty: "(no runs)",
    });
  },
});

async function fromDb(db: Store, pkg: string | undefined, limit: number): Promise<RunJson[]> {
  if (pkg !== undefined) await assertKnownPackage(db, pkg);
  return (await listRuns(db, { package: pkg, limit })).map(runJson);
}
