// Install manifests and release diffs (issue 14), one row per run.
import type { Kysely, Transaction } from "kysely";
import type { DB, Run } from "./schema.ts";

type Db = Kysely<DB> | Transaction<DB>;

export interface StoredManifest {
  run_id: string;
  manifest: string;
  bytes: number;
  collect_ms: number | null;
  received_at: number;
  diff: string | null;
  diff_base_run: string | null;
  diff_us: number | null;
  diffed_at: number | null;
}

/** First report wins: a retried POST stores nothing new (the run's manifest never changes). */
export async function putManifest(db: Db, runId: string, json: string, collectMs: number | null, at = Date.now()): Promise<boolean> {
  const r = await db.insertInto("run_manifests")
    .values({ run_id: runId, manifest: json, bytes: json.length, collect_ms: collectMs, received_at: at, diff: null, diff_base_run: null, diff_us: null, diffed_at: null })
    .onConflict((oc) => oc.column("run_id").doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function getManifest(db: Db, runId: string): Promise<StoredManifest | undefined> {
  return (await db.selectFrom("run_manifests").selectAll().where("run_id", "=", runId).executeTakeFirst()) as StoredManifest | undefined;
}

/** The package's most recent baseline run of another release that has a
 *  manifest: what this run's release is compared with. */
export async function baselineManifest(db: Db, run: Pick<Run, "id" | "package" | "version">): Promise<{ run: Run; manifest: StoredManifest } | undefined> {
  const row = await db.selectFrom("runs")
    .innerJoin("run_manifests", "run_manifests.run_id", "runs.id")
    .selectAll("runs")
    .select(["run_manifests.manifest as m_manifest", "run_manifests.bytes as m_bytes", "run_manifests.collect_ms as m_collect_ms", "run_manifests.received_at as m_received_at"])
    .where("runs.package", "=", run.package)
    .where("runs.is_baseline", "=", 1)
    .where("runs.id", "!=", run.id)
    .where("runs.version", "!=", run.version)
    .orderBy("runs.finished_at", "desc")
    .orderBy("runs.id", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  const { m_manifest, m_bytes, m_collect_ms, m_received_at, ...r } = row as Record<string, unknown>;
  return {
    run: r as unknown as Run,
    manifest: { run_id: String(r.id), manifest: String(m_manifest), bytes: Number(m_bytes), collect_ms: m_collect_ms === null ? null : Number(m_collect_ms), received_at: Number(m_received_at), diff: null, diff_base_run: null, diff_us: null, diffed_at: null },
  };
}

/** Record the diff once, with the pruned manifest (file lists only where they can matter). */
export async function putDiff(db: Db, runId: string, d: { diff: string; baseRun: string | null; us: number; manifest?: string }, at = Date.now()): Promise<void> {
  await db.updateTable("run_manifests")
    .set({ diff: d.diff, diff_base_run: d.baseRun, diff_us: d.us, diffed_at: at, ...(d.manifest !== undefined ? { manifest: d.manifest, bytes: d.manifest.length } : {}) })
    .where("run_id", "=", runId)
    .where("diffed_at", "is", null)
    .execute();
}

/** The baseline release to re-scan beside `run`: the package's most recent
 *  baseline run of another version (with or without a manifest). */
export async function lastBaselineRun(db: Db, run: Pick<Run, "id" | "package" | "version">): Promise<Run | undefined> {
  return (await db.selectFrom("runs").selectAll()
    .where("package", "=", run.package).where("is_baseline", "=", 1).where("id", "!=", run.id).where("version", "!=", run.version)
    .orderBy("finished_at", "desc").orderBy("id", "desc").limit(1).executeTakeFirst()) as Run | undefined;
}

export async function putControl(db: Db, c: { runId: string; controlOf: string; actor: string }, at = Date.now()): Promise<void> {
  await db.insertInto("run_controls").values({ run_id: c.runId, control_of: c.controlOf, created_at: at, actor: c.actor }).execute();
}

/** The newest control re-run made beside `runId`. */
export async function latestControl(db: Db, runId: string): Promise<Run | undefined> {
  return (await db.selectFrom("run_controls").innerJoin("runs", "runs.id", "run_controls.run_id").selectAll("runs")
    .where("run_controls.control_of", "=", runId).orderBy("run_controls.created_at", "desc").orderBy("runs.id", "desc").limit(1).executeTakeFirst()) as Run | undefined;
}

/** The run a control re-run was made beside, if `runId` is one. */
export async function controlOf(db: Db, runId: string): Promise<string | undefined> {
  return (await db.selectFrom("run_controls").select("control_of").where("run_id", "=", runId).executeTakeFirst())?.control_of;
}
