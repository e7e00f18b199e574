// Runs: creating (queueing) scans and reading them. The queue/claim/finish
// side lives in src/orchestrator/; this module is shared by the CLI
// (`package add` kickoff) and the orchestrator (API, watcher).
import type { Kysely, Transaction } from "kysely";
import type { DB, Run } from "./schema.ts";
import { newId, resolvePrefix } from "../core/ids.ts";
import { audit } from "./audit.ts";
import type { SandboxSpec } from "../protocol/sandbox.ts";
import type { Outlived } from "../differ/outlived.ts";
import { parseSettings, scanSpec } from "../protocol/package_settings.ts";

export interface EnqueueScan {
  package: string;
  version: string;
  source: "kickoff" | "watcher" | "manual";
  runner?: string | null;
  /** This scan's explicit options; they win over the package's settings. */
  spec?: Partial<SandboxSpec>;
  /** The orchestrator's `registry`: where a package without its own installs from. */
  defaultRegistry?: string;
  actor: string;
}

/** Record the release (once) and queue a run for it. Returns the new run.
 *  The spec is decided here, for every caller: defaults < the orchestrator's
 *  registry < the package's stored settings < this scan's explicit options. */
export async function enqueueScan(db: Kysely<DB> | Transaction<DB>, s: EnqueueScan): Promise<Run> {
  // The release, the run and its audit row land together or not at all.
  if (!db.isTransaction) return db.transaction().execute((tx) => enqueueScan(tx, s));
  const now = Date.now();
  const pkg = await db.selectFrom("packages").select("settings").where("name", "=", s.package).executeTakeFirst();
  const spec = scanSpec(s.defaultRegistry, parseSettings(pkg?.settings), s.spec);
  const run = {
    id: newId(),
    package: s.package,
    version: s.version,
    status: "queued" as const,
    runner_target: s.runner ?? null,
    runner_id: null,
    spec: JSON.stringify(spec),
    created_at: now,
    claimed_at: null,
    finished_at: null,
    exit_code: null,
    failure_reason: null,
    verdict: null,
    max_severity: null,
    timings: null,
  };
  await db
    .insertInto("releases")
    .values({ package: s.package, version: s.version, discovered_at: now, source: s.source })
    .onConflict((oc) => oc.columns(["package", "version"]).doNothing())
    .execute();
  await db.insertInto("runs").values(run).execute();
  await audit(db, { actor: s.actor, action: "run.queue", target_kind: "run", target_id: run.id, after: { package: s.package, version: s.version, source: s.source, runner: s.runner ?? null } });
  return (await db.selectFrom("runs").selectAll().where("id", "=", run.id).executeTakeFirstOrThrow()) as Run;
}

type Db = Kysely<DB> | Transaction<DB>;

/** A release whose installed closure runs no install code, recorded by the
 *  watcher without a sandbox: a finished run with verdict "no-install-code",
 *  no runner, no events, outside the baseline. The spec is the one a scan
 *  would have used, so `scan submit` / a re-scan can still run it. */
export async function recordNoInstallCode(db: Db, s: { package: string; version: string; defaultRegistry?: string; reason: string; checked: number; actor: string }): Promise<Run> {
  const now = Date.now();
  const pkg = await db.selectFrom("packages").select("settings").where("name", "=", s.package).executeTakeFirst();
  const id = newId();
  await db
    .insertInto("releases")
    .values({ package: s.package, version: s.version, discovered_at: now, source: "watcher" })
    .onConflict((oc) => oc.columns(["package", "version"]).doNothing())
    .execute();
  await db.insertInto("runs").values({
    id, package: s.package, version: s.version, status: "finished", runner_target: null, runner_id: null,
    spec: JSON.stringify(scanSpec(s.defaultRegistry, parseSettings(pkg?.settings))),
    created_at: now, claimed_at: null, finished_at: now, exit_code: null, failure_reason: null,
    verdict: "no-install-code", max_severity: null, timings: null,
  }).execute();
  await audit(db, { actor: s.actor, action: "run.no_install_code", target_kind: "run", target_id: id, after: { package: s.package, version: s.version, reason: s.reason, closure_packages: s.checked } });
  return (await db.selectFrom("runs").selectAll().where("id", "=", id).executeTakeFirstOrThrow()) as Run;
}

export async function getRun(db: Db, id: string): Promise<Run | undefined> {
  return (await db.selectFrom("runs").selectAll().where("id", "=", id).executeTakeFirst()) as Run | undefined;
}

/** Newest first. */
export async function listRuns(db: Db, opts: { package?: string; status?: Run["status"]; limit?: number } = {}): Promise<Run[]> {
  let q = db.selectFrom("runs").selectAll();
  if (opts.package) q = q.where("package", "=", opts.package);
  if (opts.status) q = q.where("status", "=", opts.status);
  return (await q.orderBy("created_at", "desc").orderBy("id").limit(opts.limit ?? 50).execute()) as Run[];
}

/** git-style: the one run whose id starts with `prefix`, or a clear error. */
export async function findRunByPrefix(db: Db, prefix: string): Promise<Run> {
  const p = prefix.trim().toLowerCase().replace(/[%_]/g, "");
  const rows = (await db.selectFrom("runs").selectAll().where("id", "like", `${p}%`).limit(11).execute()) as Run[];
  return resolvePrefix("run", prefix, rows);
}

/** What outlived the install or the import (differ/outlived.ts), stored once when the run is first diffed. */
export async function setRunOutlived(db: Db, runId: string, outlived: readonly Outlived[]): Promise<void> {
  await db.updateTable("runs").set({ outlived: JSON.stringify(outlived) }).where("id", "=", runId).execute();
}

/** The spec a run is handed to its runner with, when the orchestrator's config changed it at claim (import-phase). */
export async function setRunSpec(db: Db, runId: string, spec: string): Promise<void> {
  await db.updateTable("runs").set({ spec }).where("id", "=", runId).execute();
}
