// Flags every `fangs ca` verb shares.
import type { ArgsDef } from "citty";
import { DEFAULT_CA_DIR, LEAF_MAX_DAYS } from "../../tls/ca.ts";
import { intFlag } from "../flags.ts";

export const CA_ARGS = {
  dir: { type: "string", description: `CA directory (default ${DEFAULT_CA_DIR})`, default: DEFAULT_CA_DIR },
  force: { type: "boolean", description: "replace existing files" },
} as const satisfies ArgsDef;

export const DAYS_ARG = { days: { type: "string", description: `certificate lifetime in days (1-${LEAF_MAX_DAYS}, default ${LEAF_MAX_DAYS})` } } as const satisfies ArgsDef;

export function parseDays(raw: unknown): number | undefined {
  return intFlag(raw, { name: "days", min: 1, max: LEAF_MAX_DAYS, example: 365 });
}
