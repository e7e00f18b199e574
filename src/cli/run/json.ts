import type { Run } from "../../store/schema.ts";
import { iso } from "../output.ts";

function parse(s: string | null): unknown {
  if (s === null) return null;
  try { return JSON.parse(s); } catch { return s; }
}

/** The stable JSON shape of a run. */
export function runJson(r: Run) {
  return {
    id: r.id, package: r.package, version: r.version, status: r.status, verdict: r.verdict,
    is_baseline: r.is_baseline === 1, deviation_count: r.deviation_count, max_severity: r.max_severity,
    events_count: r.events_count, events_dropped: r.events_dropped, batch_send_errors: r.batch_send_errors,
    exit_code: r.exit_code, failure_reason: r.failure_reason, runner_target: r.runner_target, runner_id: r.runner_id,
    created_at: iso(r.created_at), claimed_at: iso(r.claimed_at), finished_at: iso(r.finished_at),
    spec: parse(r.spec), timings: parse(r.timings),
  };
}
