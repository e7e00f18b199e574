// One shape for the release diff everywhere: GET /v1/runs/:id/diff, `fangs
// run diff --json`, and the run page's "What changed" section read it.
import type { Run } from "../store/schema.ts";
import type { StoredManifest } from "../store/manifests.ts";
import type { InstallManifest } from "../protocol/manifest.ts";
import type { StoredReleaseDiff } from "../orchestrator/release_diff.ts";
import { summarizeDiff } from "./diff.ts";

export interface RunDiffJson {
  run_id: string;
  package: string;
  version: string;
  /** "diffed" | "pending" (manifest stored, run not ended) | "no_manifest" */
  state: "diffed" | "pending" | "no_manifest";
  summary: string | null;
  manifest: null | { bytes: number; collect_ms: number | null; method: string; packages: number; install_script_packages: number; error: string | null; truncated: boolean };
  diff: StoredReleaseDiff | null;
}

export function runDiffJson(run: Pick<Run, "id" | "package" | "version">, row: StoredManifest | undefined): RunDiffJson {
  const out: RunDiffJson = { run_id: run.id, package: run.package, version: run.version, state: "no_manifest", summary: null, manifest: null, diff: null };
  if (!row) return out;
  const m = JSON.parse(row.manifest) as InstallManifest;
  out.manifest = {
    bytes: Number(row.bytes), collect_ms: row.collect_ms === null ? null : Number(row.collect_ms), method: m.method,
    packages: m.packages.length, install_script_packages: m.packages.filter((p) => p.install_scripts).length, error: m.error ?? null, truncated: m.truncated,
  };
  if (!row.diff) return { ...out, state: "pending" };
  const diff = JSON.parse(row.diff) as StoredReleaseDiff;
  return { ...out, state: "diffed", summary: summarizeDiff(diff), diff };
}

/** The one line notifiers carry: the summary, and the first deviation whose
 *  cause is a script new or changed in this release (plain text: each
 *  template escapes and caps it). */
export function notifyLine(row: StoredManifest | undefined): string | null {
  if (!row?.diff) return null;
  const diff = JSON.parse(row.diff) as StoredReleaseDiff;
  const cause = diff.join?.find((j) => j.script_change === "new in this release" || j.script_change === "changed in this release");
  return `What changed: ${summarizeDiff(diff)}${cause ? `. Cause: ${cause.line}` : ""}`;
}
