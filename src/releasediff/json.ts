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
  /** The newest control re-run made beside this run (`fangs scan submit -control`), if any. */
  control: ControlJson | null;
  /** Set on a control re-run: the suspect run it was made beside. */
  control_of: string | null;
}

type Dev = { category: string; actor: string; value: string; severity: string };
export interface ControlJson {
  run_id: string;
  version: string;
  status: string;
  verdict: string | null;
  deviation_count: number;
  /** Deviations both runs show: the environment changed, not the package. */
  shared: Dev[];
  /** How many of this run's deviations the control did not show: the package's doing. */
  only_in_release: number;
  only_in_control: Dev[];
}

const MAX_CONTROL_ROWS = 50;
const key = (d: Dev) => `${d.category}\u0000${d.actor}\u0000${d.value}`;
const pick = (d: Dev): Dev => ({ category: d.category, actor: d.actor, value: d.value, severity: d.severity });

/** This run's deviations beside its control re-run's. */
export function controlJson(control: Pick<Run, "id" | "version" | "status" | "verdict">, controlDevs: readonly Dev[], here: readonly Dev[]): ControlJson {
  const mine = new Set(here.map(key));
  const theirs = new Set(controlDevs.map(key));
  return {
    run_id: control.id, version: control.version, status: control.status, verdict: control.verdict, deviation_count: controlDevs.length,
    shared: here.filter((d) => theirs.has(key(d))).slice(0, MAX_CONTROL_ROWS).map(pick),
    only_in_release: here.filter((d) => !theirs.has(key(d))).length,
    only_in_control: controlDevs.filter((d) => !mine.has(key(d))).slice(0, MAX_CONTROL_ROWS).map(pick),
  };
}

export function runDiffJson(run: Pick<Run, "id" | "package" | "version">, row: StoredManifest | undefined, extra: { control?: ControlJson | null; controlOf?: string | null } = {}): RunDiffJson {
  const out: RunDiffJson = { run_id: run.id, package: run.package, version: run.version, state: "no_manifest", summary: null, manifest: null, diff: null, control: extra.control ?? null, control_of: extra.controlOf ?? null };
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
