// The triage queue: runs with open deviations, worst and newest first.
import type { Kysely, Transaction } from "kysely";
import type { DB } from "./schema.ts";
import { SEVERITIES, severityRank } from "../differ/severity.ts";
import { FangsError } from "../core/errors.ts";
import type { PendingRow } from "../protocol/api.ts";

type Db = Kysely<DB> | Transaction<DB>;

export type { PendingRow };

/** An incomplete run with no open deviation still waits here, at least this bad. */
const INCOMPLETE_FLOOR = "medium";

export function rescanCommand(pkg: string, version: string): string {
  return `fangs scan submit -package ${pkg} -version ${version}`;
}

function issuesOf(text: string | null): string[] {
  try {
    const v = JSON.parse(text ?? "[]");
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

/** The queue's severity filter, checked the same way wherever it is given. */
export function assertSeverity(s: string): void {
  if (!(SEVERITIES as readonly string[]).includes(s)) throw new FangsError(`unknown severity ${JSON.stringify(s)}`, { hint: `use one of ${SEVERITIES.join(", ")}` });
}

/** The short id the CLI prints in promote commands (git-style). */
export const SHORT_ID = 12;

/** The queue, or (`runId`) the one row of a run, e.g. for the UI to re-render that row alone. */
export async function listPending(db: Db, opts: { package?: string; minSeverity?: string; runId?: string } = {}): Promise<PendingRow[]> {
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
  if (opts.runId) q = q.where("deviations.run_id", "=", opts.runId);
  if (opts.minSeverity !== undefined) {
    assertSeverity(opts.minSeverity);
    q = q.having((eb) => eb.fn.max("deviations.severity_rank"), ">=", severityRank(opts.minSeverity));
  }
  const rows = await q.execute();
  const out = new Map<string, PendingRow>();
  for (const r of rows) {
    out.set(r.run_id, {
      run_id: r.run_id,
      package: r.package,
      version: r.version,
      deviation_count: Number(r.deviation_count),
      max_severity: SEVERITIES[Number(r.max_rank)],
      last_detected_at: Number(r.last_detected_at),
      promote_command: `fangs baseline promote ${r.run_id.slice(0, SHORT_ID)}`,
      incomplete: false,
      issues: [],
      rescan_command: null,
      phases: [],
    });
  }
  // Incomplete runs wait here too, deviations or not, until promoted or until
  // a later scan of the same release reached a verdict from complete evidence.
  let inc = db
    .selectFrom("runs as r")
    .select(["r.id", "r.package", "r.version", "r.evidence_issues", "r.finished_at", "r.created_at", "r.deviation_count", "r.max_severity"])
    .where("r.verdict", "=", "incomplete")
    .where("r.is_baseline", "=", 0)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom("runs as later").select("later.id").whereRef("later.package", "=", "r.package").whereRef("later.version", "=", "r.version").whereRef("later.created_at", ">", "r.created_at").where("later.verdict", "is not", null).where("later.verdict", "!=", "incomplete"))),
    );
  if (opts.package) inc = inc.where("r.package", "=", opts.package);
  if (opts.runId) inc = inc.where("r.id", "=", opts.runId);
  const floor = severityRank(INCOMPLETE_FLOOR);
  const min = opts.minSeverity === undefined ? -1 : severityRank(opts.minSeverity);
  for (const r of await inc.execute()) {
    const have = out.get(r.id);
    const rank = Math.max(floor, r.max_severity ? severityRank(r.max_severity) : floor);
    if (rank < min) continue;
    out.set(r.id, {
      run_id: r.id,
      package: r.package,
      version: r.version,
      deviation_count: Number(r.deviation_count),
      max_severity: SEVERITIES[rank],
      last_detected_at: have?.last_detected_at ?? Number(r.finished_at ?? r.created_at),
      promote_command: `fangs baseline promote ${r.id.slice(0, SHORT_ID)}`,
      incomplete: true,
      issues: issuesOf(r.evidence_issues),
      rescan_command: rescanCommand(r.package, r.version),
      phases: [],
    });
  }
  if (out.size) {
    const ph = await db.selectFrom("deviations").select(["run_id", "phase"]).distinct().where("cleared", "=", 0).where("run_id", "in", [...out.keys()]).execute();
    for (const r of ph) out.get(r.run_id)?.phases.push(r.phase);
    for (const r of out.values()) r.phases.sort().reverse(); // install before import
  }
  return [...out.values()].sort(queueOrder);
}

type QueueKey = Pick<PendingRow, "max_severity" | "last_detected_at" | "run_id">;

/** The queue's order: worst first, then newest, then by run id (total, so pages never overlap). */
export function queueOrder(a: QueueKey, b: QueueKey): number {
  return SEVERITIES.indexOf(b.max_severity as never) - SEVERITIES.indexOf(a.max_severity as never) || b.last_detected_at - a.last_detected_at || (a.run_id < b.run_id ? -1 : a.run_id > b.run_id ? 1 : 0);
}

/**
 * Where a page of the queue ends, as text for a URL: the last row's sort key
 * rather than an offset, so promoting rows between two pages neither skips
 * nor repeats any.
 */
export function queueCursor(r: QueueKey): string {
  return `${r.max_severity}.${r.last_detected_at}.${r.run_id}`;
}

const CURSOR = /^([a-z]{1,16})\.(\d{1,15})\.([0-9a-f]{1,64})$/;

/** The rows after `after` (a queueCursor), at most `limit`; their position in `rows`; the cursor of the next page (null at the end). */
export function queuePage(rows: readonly PendingRow[], after: string | undefined, limit: number): { rows: PendingRow[]; start: number; next: string | null } {
  let start = 0;
  if (after !== undefined) {
    const m = CURSOR.exec(after);
    if (!m || !(SEVERITIES as readonly string[]).includes(m[1])) throw new FangsError(`malformed queue position ${JSON.stringify(after.slice(0, 80))}`, { hint: "start again from the first page of /ui/pending" });
    const key = { max_severity: m[1], last_detected_at: Number(m[2]), run_id: m[3] };
    start = rows.findIndex((r) => queueOrder(r, key) > 0);
    if (start < 0) start = rows.length;
  }
  const page = rows.slice(start, start + limit);
  return { rows: page, start, next: start + limit < rows.length && page.length ? queueCursor(page[page.length - 1]) : null };
}
