import type { Deviation } from "../../store/schema.ts";
import { iso } from "../output.ts";

/** The stable JSON shape of a deviation (CLI; the API uses the same keys). */
export function deviationJson(d: Deviation) {
  return {
    id: d.id, run_id: d.run_id, package: d.package, category: d.category, actor: d.actor, value: d.value,
    severity: d.severity, reason: d.reason, evidence_seq: d.evidence_seq, detected_at: iso(d.detected_at),
    cleared: d.cleared === 1, cleared_at: iso(d.cleared_at), cleared_by: d.cleared_by,
  };
}
