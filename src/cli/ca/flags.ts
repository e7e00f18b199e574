// Flags every `fangs ca` verb shares.
import type { ArgsDef } from "citty";
import { FangsError } from "../../core/errors.ts";
import { DEFAULT_CA_DIR, LEAF_MAX_DAYS } from "../../tls/ca.ts";

export const CA_ARGS = {
  dir: { type: "string", description: `CA directory (default ${DEFAULT_CA_DIR})`, default: DEFAULT_CA_DIR },
  force: { type: "boolean", description: "replace existing files" },
} as const satisfies ArgsDef;

export const DAYS_ARG = { days: { type: "string", description: `certificate lifetime in days (1-${LEAF_MAX_DAYS}, default ${LEAF_MAX_DAYS})` } } as const satisfies ArgsDef;

export function parseDays(raw: unknown): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new FangsError(`-days must be a whole number of days (got ${JSON.stringify(raw)})`);
  return n;
}
