// Follow a run until it ends, printing each status change (for --wait).
import type { OrchestratorClient } from "../../client/orchestrator.ts";
import type { RunJson } from "../../protocol/api.ts";
import { safe } from "../output.ts";

const ENDED = new Set(["finished", "failed", "timed_out"]);

export async function followRun(client: OrchestratorClient, id: string, print: boolean, pollMs = 1000): Promise<RunJson> {
  let last = "";
  for (;;) {
    const run = await client.getRun(id);
    const line = `${run.status}${run.runner_id ? ` on ${run.runner_id}` : ""}${run.events_count ? `, ${run.events_count} events` : ""}`;
    if (print && line !== last) process.stderr.write(`  ${safe(line)}\n`);
    last = line;
    if (ENDED.has(run.status)) {
      if (print) {
        const verdict = run.verdict ?? "none";
        console.log(`run ${run.id}: ${run.status}, verdict ${verdict}${run.deviation_count ? ` (${run.deviation_count} deviations, max ${run.max_severity})` : ""}`);
        if (run.failure_reason) console.log(`  reason: ${safe(run.failure_reason)}`);
        if (run.events_dropped) console.log(`  events dropped: ${run.events_dropped}`);
        if (run.deviation_count) console.log(`  see: fangs deviation list -run ${run.id}`);
      }
      return run;
    }
    await Bun.sleep(pollMs);
  }
}
