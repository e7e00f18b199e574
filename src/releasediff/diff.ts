// The release diff (issue 14): what changed in the published artifacts
// between the baseline release's install and this run's, from the two
// install manifests (src/protocol/manifest.ts). Pure: computed once when a
// run finishes (src/orchestrator/release_diff.ts) and stored with it.
import type { InstallManifest, LifecycleStep, ManifestPackage } from "../protocol/manifest.ts";
import { unifiedDiff } from "./unified.ts";

/** Caps on what one diff holds (everything in it is attacker-written). */
export const RELEASE_DIFF_LIMITS = { scripts: 200, deps: 2000, files: 2000, fileDiffBytes: 8 * 1024, scriptDiffBytes: 16 * 1024, totalDiffBytes: 256 * 1024 } as const;

export type Change = "added" | "removed" | "changed";

export interface ScriptChange {
  package: string;
  /** The package's version in this release (before: in the baseline). */
  version: string | null;
  step: LifecycleStep;
  change: Change;
  before: string | null;
  after: string | null;
  implicit?: boolean;
  /** The package itself is new in the closure (or the scanned package's own script). */
  new_package: boolean;
  /** Unified diff of the script line, then of each JS file it runs inside the package. */
  diff: string;
  files: Array<{ path: string; change: Change; diff: string }>;
}

export interface DepChange {
  name: string;
  change: Change;
  before: string[];
  after: string[];
  install_scripts: boolean;
  scripts: Array<{ step: LifecycleStep; command: string }>;
  /** Where this release's copy came from and its integrity (the baseline's when removed). */
  resolved: string | null;
  integrity: string | null;
}

export interface FileChange {
  path: string;
  change: Change;
  size_before: number | null;
  size_after: number | null;
  diff?: string;
}

export interface ReleaseDiff {
  format: 1;
  package: string;
  version: string;
  base: { run_id: string; version: string } | null;
  scripts: ScriptChange[];
  deps: DepChange[];
  files: FileChange[];
  /** A cap was hit or a manifest was itself truncated: the lists are partial. */
  truncated: boolean;
  notes: string[];
}

type Pkgs = Map<string, ManifestPackage[]>;
function byName(m: InstallManifest): Pkgs {
  const out: Pkgs = new Map();
  for (const p of m.packages) out.set(p.name, [...(out.get(p.name) ?? []), p]);
  return out;
}

/** The scanned package's own entry: the top-level node_modules/<name>. */
export function rootPackage(m: InstallManifest): ManifestPackage | undefined {
  return m.packages.find((p) => p.path === `node_modules/${m.package}`) ?? m.packages.find((p) => p.name === m.package);
}

function versions(ps: ManifestPackage[] | undefined): string[] {
  return [...new Set((ps ?? []).map((p) => p.version))].sort();
}

/** JS files a script line names inside its package (collector.cjs has the same rule). */
export function invokedFiles(command: string): string[] {
  const seen = new Set<string>();
  for (const m of command.matchAll(/(?:^|[\s"'=])((?:\.\/)?[\w@./-]+\.[cm]?js)\b/g)) seen.add(m[1].replace(/^\.\//, ""));
  return [...seen].filter((p) => !p.startsWith("../") && !p.startsWith("/"));
}

export function diffManifests(cur: InstallManifest, base: InstallManifest | undefined, baseRun: { run_id: string; version: string } | null): ReleaseDiff {
  const d: ReleaseDiff = { format: 1, package: cur.package, version: cur.version, base: base && baseRun ? baseRun : null, scripts: [], deps: [], files: [], truncated: cur.truncated || !!base?.truncated, notes: [] };
  if (cur.error) d.notes.push(`this release's manifest is partial: ${cur.error}`);
  if (!base) {
    d.notes.push("no baseline release with a manifest to compare with: every lifecycle script is listed as added");
  } else if (base.error) d.notes.push(`the baseline release's manifest is partial: ${base.error}`);
  const now = byName(cur);
  const was = base ? byName(base) : new Map<string, ManifestPackage[]>();
  let budget: number = RELEASE_DIFF_LIMITS.totalDiffBytes;
  const capped = (s: string) => {
    if (s.length > budget) {
      d.truncated = true;
      const kept = s.slice(0, budget);
      budget = 0;
      return kept + "\n… (diff budget spent)";
    }
    budget -= s.length;
    return s;
  };

  // Dependencies anywhere in the closure, by name (a name may sit at several versions).
  for (const name of [...new Set([...now.keys(), ...was.keys()])].sort()) {
    if (name === cur.package) continue;
    const a = versions(was.get(name));
    const b = versions(now.get(name));
    if (a.join() === b.join()) continue;
    const ps = now.get(name) ?? was.get(name)!;
    d.deps.push({
      name, change: !a.length ? "added" : !b.length ? "removed" : "changed", before: a, after: b,
      install_scripts: ps.some((p) => p.install_scripts),
      scripts: uniqScripts(ps),
      resolved: ps[0].resolved, integrity: ps[0].integrity,
    });
  }
  if (d.deps.length > RELEASE_DIFF_LIMITS.deps) { d.deps.length = RELEASE_DIFF_LIMITS.deps; d.truncated = true; }

  // Lifecycle scripts, per package name and step.
  for (const name of [...new Set([...now.keys(), ...was.keys()])].sort((x, y) => (x === cur.package ? -1 : y === cur.package ? 1 : x.localeCompare(y)))) {
    const ps = now.get(name) ?? [];
    const bs = was.get(name) ?? [];
    const after = scriptMap(ps);
    const before = scriptMap(bs);
    for (const step of new Set([...before.keys(), ...after.keys()])) {
      const a = before.get(step);
      const b = after.get(step);
      if (a?.command === b?.command && (!a || sameInvokedFiles(a.command, bs, ps))) continue;
      const version = ps[0]?.version ?? null;
      const files: ScriptChange["files"] = [];
      for (const path of invokedFiles(b?.command ?? a!.command)) {
        const ta = textOf(bs, path);
        const tb = textOf(ps, path);
        if (ta === tb) continue;
        const change: Change = ta === undefined ? "added" : tb === undefined ? "removed" : "changed";
        files.push({ path, change, diff: capped(unifiedDiff(ta ?? "", tb ?? "", { from: `${name}@${bs[0]?.version ?? "-"}/${path}`, to: `${name}@${version ?? "-"}/${path}`, maxOut: RELEASE_DIFF_LIMITS.scriptDiffBytes })) });
      }
      d.scripts.push({
        package: name, version, step, change: !a ? "added" : !b ? "removed" : "changed",
        before: a?.command ?? null, after: b?.command ?? null, implicit: (b ?? a)!.implicit || undefined,
        new_package: !bs.length, diff: capped(unifiedDiff(a?.command ?? "", b?.command ?? "", { from: `${name} ${step} (baseline)`, to: `${name} ${step} (this release)` })),
        files,
      });
      if (d.scripts.length >= RELEASE_DIFF_LIMITS.scripts) { d.truncated = true; break; }
    }
  }

  // The scanned package's files.
  const r = rootPackage(cur);
  const rb = base ? rootPackage(base) : undefined;
  if (r?.files && rb?.files) {
    const fa = new Map(rb.files.map((f) => [f.path, f]));
    const fb = new Map(r.files.map((f) => [f.path, f]));
    if (r.files_truncated || rb.files_truncated) d.truncated = true;
    for (const path of [...new Set([...fa.keys(), ...fb.keys()])].sort()) {
      const a = fa.get(path);
      const b = fb.get(path);
      if (a && b && a.sha256 === b.sha256) continue;
      const fc: FileChange = { path, change: !a ? "added" : !b ? "removed" : "changed", size_before: a?.size ?? null, size_after: b?.size ?? null };
      const ta = rb.texts?.[path];
      const tb = r.texts?.[path];
      if ((ta !== undefined || !a) && (tb !== undefined || !b)) fc.diff = capped(unifiedDiff(ta ?? "", tb ?? "", { from: `${cur.package}@${base!.version}/${path}`, to: `${cur.package}@${cur.version}/${path}`, maxOut: RELEASE_DIFF_LIMITS.fileDiffBytes }));
      d.files.push(fc);
      if (d.files.length >= RELEASE_DIFF_LIMITS.files) { d.truncated = true; break; }
    }
  } else if (base) d.notes.push("file lists missing from one of the manifests: no file diff");
  return d;
}

function scriptMap(ps: ManifestPackage[]): Map<LifecycleStep, { command: string; implicit?: boolean }> {
  const m = new Map<LifecycleStep, { command: string; implicit?: boolean }>();
  for (const p of ps) for (const s of p.scripts) if (!m.has(s.step)) m.set(s.step, s);
  return m;
}

function uniqScripts(ps: ManifestPackage[]): DepChange["scripts"] {
  return [...scriptMap(ps)].map(([step, s]) => ({ step, command: s.command }));
}

function textOf(ps: ManifestPackage[], path: string): string | undefined {
  for (const p of ps) if (p.texts?.[path] !== undefined) return p.texts[path];
  // No text but a hash: tell a change apart by the hash alone.
  const f = ps.flatMap((p) => p.files ?? []).find((x) => x.path === path);
  return f ? `(binary or large file, sha256 ${f.sha256}, ${f.size} bytes)` : undefined;
}

function sameInvokedFiles(command: string, a: ManifestPackage[], b: ManifestPackage[]): boolean {
  return invokedFiles(command).every((p) => textOf(a, p) === textOf(b, p));
}

/** One line for notifiers and lists: "2 scripts changed, 1 new dependency with install scripts, 3 files changed". */
export function summarizeDiff(d: ReleaseDiff): string {
  if (!d.base) return `no baseline release to compare with (${d.scripts.length} lifecycle script(s) in the closure)`;
  const parts: string[] = [];
  const own = d.scripts.filter((s) => s.package === d.package);
  if (own.length) parts.push(`${own.length} own lifecycle script(s) ${own.map((s) => `${s.step} ${s.change}`).join(", ")}`);
  const added = d.deps.filter((x) => x.change === "added");
  const risky = added.filter((x) => x.install_scripts);
  if (added.length) parts.push(`${added.length} new dependenc${added.length === 1 ? "y" : "ies"}${risky.length ? ` (${risky.length} with install scripts: ${risky.slice(0, 3).map((x) => `${x.name}@${x.after[0]}`).join(", ")})` : ""}`);
  const changed = d.deps.length - added.length;
  if (changed) parts.push(`${changed} dependenc${changed === 1 ? "y" : "ies"} changed or removed`);
  const depScripts = d.scripts.filter((s) => s.package !== d.package && !s.new_package);
  if (depScripts.length) parts.push(`${depScripts.length} dependency script(s) changed`);
  if (d.files.length) parts.push(`${d.files.length} file(s) changed`);
  return `since ${d.package}@${d.base.version}: ${parts.length ? parts.join("; ") : "no change in scripts, dependencies or files"}`;
}
