import type { AllowEntry } from "../../store/schema.ts";
import { iso } from "../output.ts";

export function allowJson(e: AllowEntry) {
  return { id: e.id, kind: e.kind, value: e.value, package: e.package, note: e.note, source: e.source, created_at: iso(e.created_at) };
}
