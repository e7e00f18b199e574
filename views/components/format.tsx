// Small presentational pieces every page uses. Everything here renders data
// through hono/jsx escaping; links are built with encodeURIComponent only.
import { SEVERITIES } from "../../src/differ/severity.ts";

export const runHref = (id: string) => `/ui/runs/${encodeURIComponent(id)}`;
export const pkgHref = (name: string) => `/ui/packages/${encodeURIComponent(name)}`;
export const short = (id: string) => id.slice(0, 12);

export function ago(ms: number, now = Date.now()): string {
  const s = Math.round((now - ms) / 1000);
  if (s < 0) return "in the future";
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

/** Relative time, the absolute one on hover. */
export function Time(p: { ms: number | null | undefined }) {
  if (!p.ms) return <span class="muted">—</span>;
  const iso = new Date(Number(p.ms)).toISOString();
  return <time datetime={iso} title={iso}>{ago(Number(p.ms))}</time>;
}

/** Severity badge; an unknown value gets a neutral badge, never a class from data. */
export function Sev(p: { s: string | null | undefined }) {
  if (!p.s) return <span class="muted">—</span>;
  const known = (SEVERITIES as readonly string[]).includes(p.s);
  return <span class={`sev ${known ? `sev-${p.s}` : "sev-unknown"}`}>{p.s}</span>;
}

export function RunLink(p: { id: string }) {
  return <a class="mono" href={runHref(p.id)}>{short(p.id)}</a>;
}

export function PkgLink(p: { name: string }) {
  return <a class="mono" href={pkgHref(p.name)}>{p.name}</a>;
}

/** The run's status, with what the exit code means (manual: common failures). */
export function exitMeaning(code: number | null, status: string): string | undefined {
  if (status === "timed_out") return "timed out: the install ran past the sandbox time limit";
  if (code === 137) return "OOM kill: the sandbox hit its memory limit (raise memory in the scan's sandbox spec)";
  if (code === 125) return "docker could not start the container (permissions on /var/run/docker.sock or daemon config)";
  if (code !== null && code !== 0) return "npm install exited non-zero";
  return undefined;
}

export function Status(p: { status: string; exit?: number | null }) {
  const cls = ["finished", "running", "queued", "failed", "timed_out"].includes(p.status) ? p.status : "unknown";
  return <span class={`status st-${cls}`}>{p.status.replace("_", " ")}</span>;
}

export function Num(p: { n: number | string | null | undefined; warn?: boolean }) {
  return <span class={p.warn && Number(p.n) > 0 ? "num warn" : "num"}>{p.n ?? "—"}</span>;
}
