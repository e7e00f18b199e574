// When a run ends: diff its install manifest against the baseline release's,
// join its deviations to the packages and lifecycle steps that produced them,
// and store both with the run, once (src/store/manifests.ts). A run without a
// manifest (an older runner, a collector that failed) has no diff.
import type { Kysely } from "kysely";
import type { DB, Run } from "../store/schema.ts";
import type { InstallManifest } from "../protocol/manifest.ts";
import { baselineManifest, getManifest, putDiff } from "../store/manifests.ts";
import { listDeviations } from "../store/deviations.ts";
import { getEvent, listEventRows } from "../store/events.ts";
import { diffManifests, type ReleaseDiff } from "../releasediff/diff.ts";
import { joinDeviations, type CausalLine, type ScriptShell } from "../releasediff/join.ts";

export interface StoredReleaseDiff extends ReleaseDiff {
  join: CausalLine[];
  /** Microseconds the diff and join took. */
  diff_us: number;
}

const MAX_SHELLS = 2000;
const MAX_EVIDENCE_LOOKUPS = 200;

export async function releaseDiffFor(db: Kysely<DB>, run: Run): Promise<StoredReleaseDiff | undefined> {
  const row = await getManifest(db, run.id);
  if (!row) return undefined;
  if (row.diff) return JSON.parse(row.diff) as StoredReleaseDiff;
  const cur = JSON.parse(row.manifest) as InstallManifest;
  const base = await baselineManifest(db, run);
  const baseManifest = base ? (JSON.parse(base.manifest.manifest) as InstallManifest) : undefined;
  // Evidence for the join: the run's `sh -c <script>` execs, and each deviation's evidence pids.
  const shells: ScriptShell[] = [];
  for (const r of await listEventRows(db, run.id, { kind: "exec", limit: MAX_SHELLS })) {
    const e = JSON.parse(r.body) as { pid: number; argv?: string[]; filename?: string };
    if (e.argv?.[1] === "-c" && typeof e.argv[2] === "string" && /(^|\/)(sh|bash|dash|ash|busybox)$/.test(e.filename ?? "")) shells.push({ pid: e.pid, command: e.argv[2] });
  }
  const devs = await listDeviations(db, { runId: run.id });
  const joinDevs = [];
  for (const [i, d] of devs.entries()) {
    const ev = i < MAX_EVIDENCE_LOOKUPS ? (await getEvent(db, run.id, Number(d.evidence_seq)))?.event : undefined;
    joinDevs.push({ category: d.category, actor: d.actor, value: d.value, severity: d.severity, pids: ev ? [ev.pid, ...ev.ancestry.map((a) => a.pid)] : undefined });
  }
  const t0 = performance.now();
  const diff = diffManifests(cur, baseManifest, base ? { run_id: base.run.id, version: base.run.version } : null);
  const join = joinDeviations(diff, cur, joinDevs, shells);
  const us = Math.round((performance.now() - t0) * 1000);
  const stored: StoredReleaseDiff = { ...diff, join, diff_us: us };
  await putDiff(db, run.id, { diff: JSON.stringify(stored), baseRun: base?.run.id ?? null, us, manifest: JSON.stringify(pruneFiles(cur, baseManifest)) });
  return stored;
}

/** File lists are kept for the scanned package and every package whose
 *  version is not in the baseline release's closure; the texts stay (they
 *  are what the next release's script diff compares with). */
export function pruneFiles(cur: InstallManifest, base: InstallManifest | undefined): InstallManifest {
  if (!base) return cur;
  const had = new Set(base.packages.map((p) => `${p.name}@${p.version}`));
  return {
    ...cur,
    packages: cur.packages.map((p) => (p.name === cur.package || !had.has(`${p.name}@${p.version}`) ? p : { ...p, files: undefined, files_truncated: undefined })),
  };
}
