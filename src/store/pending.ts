// The triage queue: runs with open deviations, worst and newest first.
import type { Kysely, Transaction } from "kysely";
import type { DB } from "./schema.ts";
import { SEVERITIES, severityRank } from "../differ/severity.ts";
import { FangsError } from "../core/errors.ts";

type Db = Kysely<DB> | Transaction<DB>;

export interface PendingRow {
  run_id: string;
  package: string;
  version: string;
  deviation_count: number;
  max_severity: string;
  last_detected_at: number;
  promote_command: string;
}

/** The short id the CLI prints in promote commands (git-style). */
export const SHORT_ID = 12;

export async function listPending(db: Db, opts: { package?: string; minSeverity?: string } = {}): Promise<PendingRow[]> {
  let q = db
    .selectFrom("deviations")
    .innerJoin("runs", "runs.id", "deviations.run_id")
    .select((eb) => [
      "deviations.run_id as run_id",
      "runs.package as package",
      "runs.version as version",
      eb.fn.countAll<number>().as("deviation_count"),
      eb.fn.max("deviations.severity_rank").as("max_rank"),
      eb.fn.max("deviations.detected_at").as("last_detected_at"),
    ])
    .where("deviations.cleared", "=", 0)
    .groupBy(["deviations.run_id", "runs.package", "runs.version"]);
  if (opts.package) q = q.where("runs.package", "=", opts.package);
  if (opts.minSeverity !== undefined) {
    if (!(SEVERITIES as readonly string[]).includes(opts.minSeverity)) {
      throw new FangsError(`unknown severity ${JSON.stringify(opts.minSeverity)}`, { hint: `use one of ${SEVERITIES.join(", ")}` });
    }
    q = q.having((eb) => eb.fn.max("deviations.severity_rank"), ">=", severityRank(opts.minSeverity));
  }
  const rows = await q.execute();
  return rows
    .map((r) => ({
      run_id: r.run_id,
      package: r.package,
      version: r.version,
      deviation_count: Number(r.deviation_count),
      max_severity: SEVERITIES[Number(r.max_rank)],
      last_detected_at: Number(r.last_detected_at),
      promote_command: `fangs baseline promote ${r.run_id.slice(0, SHORT_ID)}`,
    }))
    .sort((a, b) => SEVERITIES.indexOf(b.max_severity as never) - SEVERITIES.indexOf(a.max_severity as never) || b.last_detected_at - a.last_detected_at || a.run_id.localeCompare(b.run_id));
}
