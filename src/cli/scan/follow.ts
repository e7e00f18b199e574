// Follow a run until it ends, printing each status change (for --wait).
import { call } from "./client.ts";
import { safe } from "../output.ts";

const ENDED = new Set(["finished", "failed", "timed_out"]);

export async function followRun(base: string, id: string, token: string | undefined, print: boolean, pollMs = 1000): Promise<any> {
  let last = "";
  for (;;) {
    const { run } = await call(base, "GET", `/v1/runs/${id}`, undefined, token);
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
