// The join (issue 14): each deviation names the installed package and the
// lifecycle step whose process produced it, and what the release diff says
// about that package and step. The step is not part of the actor (the
// fingerprint key): putting it there would make every existing baseline
// deviate on upgrade, and a script moved from install to postinstall would
// look like all-new behaviour. It is told here, at display time: from the
// `sh -c <script>` npm ran that is an ancestor of the evidence event, else
// from the package's only lifecycle script, else all of its steps.
import type { InstallManifest, LifecycleStep } from "../protocol/manifest.ts";
import type { ReleaseDiff } from "./diff.ts";

export interface JoinDeviation {
  category: string;
  actor: string;
  value: string;
  severity: string;
  /** The evidence event's pid and ancestry (nearest first), when known. */
  pids?: number[];
}

/** An `sh -c <command>` exec of the run (the process npm starts for a script). */
export interface ScriptShell { pid: number; command: string }

export interface CausalLine {
  /** "new dependency" | "changed dependency" | "the scanned package" | "dependency" | "npm" | "outside npm" */
  origin: string;
  package: string | null;
  version: string | null;
  step: string | null;
  command: string | null;
  /** "new in this release" | "changed in this release" | "unchanged since the baseline" | null (not a script) */
  script_change: string | null;
  deviations: Array<{ category: string; value: string; severity: string }>;
  /** The whole line, plain text (surfaces escape it). */
  line: string;
}

const VERB: Record<string, string> = {
  fs_new_path_read: "read", fs_new_path_write: "wrote", net_new_destination: "connected", net_new_dns_name: "resolved",
  net_new_https_host: "TLS to", net_new_listen: "listened on", proc_new_exec: "ran", proc_exec_written: "ran a file it wrote:", bait_exfiltration: "sent bait",
};
const MAX_ACTS = 6;
const clip = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + "…" : s);

/** `script:<pkg>:<exe>` (or a later `script:<pkg>:<step>:<exe>`) → its package. */
export function actorPackage(actor: string): string | null {
  if (!actor.startsWith("script:")) return null;
  const rest = actor.slice("script:".length);
  const at = rest.startsWith("@") ? rest.indexOf("/") : 0;
  const colon = rest.indexOf(":", Math.max(0, at));
  const pkg = colon < 0 ? rest : rest.slice(0, colon);
  return pkg && pkg !== "?" ? pkg : null;
}

export function joinDeviations(diff: ReleaseDiff | null, manifest: InstallManifest | null, devs: readonly JoinDeviation[], shells: readonly ScriptShell[] = []): CausalLine[] {
  const groups = new Map<string, CausalLine>();
  for (const dv of devs) {
    const pkg = actorPackage(dv.actor);
    let step: string | null = null;
    let command: string | null = null;
    const entries = pkg ? manifest?.packages.filter((p) => p.name === pkg) ?? [] : [];
    const scripts = entries.flatMap((p) => p.scripts);
    if (pkg) {
      const mine = new Set(scripts.map((s) => s.command));
      const shell = dv.pids?.map((pid) => shells.find((s) => s.pid === pid && mine.has(s.command))).find(Boolean);
      const hit = shell ? scripts.find((s) => s.command === shell.command) : scripts.length === 1 ? scripts[0] : undefined;
      if (hit) { step = hit.step; command = hit.command; }
      else if (scripts.length) step = [...new Set(scripts.map((s) => s.step))].join("/");
    }
    const key = `${pkg ?? dv.actor}\u0000${step ?? ""}`;
    let g = groups.get(key);
    if (!g) {
      const dep = pkg ? diff?.deps.find((x) => x.name === pkg) : undefined;
      const origin = !pkg ? (dv.actor === "npm" ? "npm" : "outside npm") : pkg === manifest?.package || pkg === diff?.package ? "the scanned package" : dep?.change === "added" ? "new dependency" : dep?.change === "changed" ? "changed dependency" : "dependency";
      const sc = pkg && step && diff ? diff.scripts.find((s) => s.package === pkg && s.step === step) : undefined;
      const scriptChange = !pkg || !step || !diff ? null : !diff.base ? "no baseline release to compare with" : sc ? (sc.change === "added" ? "new in this release" : sc.change === "changed" ? "changed in this release" : "removed in this release") : "unchanged since the baseline";
      g = { origin, package: pkg, version: entries[0]?.version ?? null, step, command, script_change: scriptChange, deviations: [], line: "" };
      groups.set(key, g);
    }
    g.deviations.push({ category: dv.category, value: dv.value, severity: dv.severity });
  }
  for (const g of groups.values()) g.line = lineOf(g);
  return [...groups.values()];
}

function lineOf(g: CausalLine): string {
  const who = g.package
    ? `${g.origin} ${g.package}${g.version ? `@${g.version}` : ""}${g.step ? ` (${g.step}${g.command ? ` \`${clip(g.command, 120)}\`` : ""}${g.script_change ? `, ${g.script_change}` : ""})` : " (no lifecycle script in the manifest)"}`
    : g.origin;
  const acts = g.deviations.slice(0, MAX_ACTS).map((d) => `${VERB[d.category] ?? d.category} ${clip(d.value, 160)}`);
  const more = g.deviations.length > MAX_ACTS ? `, and ${g.deviations.length - MAX_ACTS} more` : "";
  return `${who} → ${acts.join(", ")}${more}`;
}

export type { LifecycleStep };
