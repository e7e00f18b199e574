// The API's JSON shapes, in one place so the orchestrator, the CLI (local or
// remote), scripts and the UI see the same stable snake_case keys. Every time
// is given twice: ISO-8601 (`x_at`) and Unix milliseconds (`x_at_ms`).
// The rows are described by the fields the shapes read (protocol sits below
// store/, whose table types satisfy them).
import { parseSettings } from "./package_settings.ts";

type Int = number | bigint;
export interface RunRow {
  id: string; package: string; version: string; status: string; verdict: string | null;
  runner_target: string | null; runner_id: string | null; spec: string | null;
  created_at: number; claimed_at: number | null; finished_at: number | null;
  exit_code: number | null; failure_reason: string | null;
  events_count: Int; events_dropped: Int; batch_send_errors: Int; is_baseline: Int;
  deviation_count: Int; max_severity: string | null; timings: string | null;
  evidence_issues: string | null; events_emitted: Int | null;
  drops_ringbuf: Int; drops_read: Int; drops_decode: Int; drops_unrouted: Int; events_unacked: Int;
  outlived?: string | null;
  project_dir?: string | null;
}
export interface RunnerRow {
  id: string; hostname: string; cert_cn: string | null; version: string | null; probes: string | null;
  registered_at: number; last_heartbeat_at: number; active_run_id: string | null;
}
export interface DeviationRow {
  id: string; run_id: string; package: string; category: string; actor: string; value: string;
  severity: string; severity_rank: Int; reason: string; evidence_seq: Int; detected_at: number;
  cleared: Int; cleared_at: number | null; cleared_by: string | null;
  phase?: string;
}
export interface PackageRow {
  name: string; watched: Int; last_seen_version: string | null; added_at: number;
  last_polled_at: number | null; poll_error: string | null; settings: string | null;
}
export interface AllowRow { id: string; kind: string; value: string; package: string | null; note: string | null; source: string; created_at: number }

export function times<K extends string>(key: K, ms: number | null | undefined): Record<K | `${K}_ms`, string | number | null> {
  return { [key]: ms ? new Date(ms).toISOString() : null, [`${key}_ms`]: ms ?? null } as Record<K | `${K}_ms`, string | number | null>;
}

function parse(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function runUrls(id: string) {
  return { api: `/v1/runs/${id}`, ui: `/ui/runs/${id}` };
}

/** The most runs GET /v1/runs lists at once (its `limit`). */
export const API_MAX_RUNS = 1000;

export function runJson(r: RunRow) {
  return {
    id: r.id,
    package: r.package,
    version: r.version,
    status: r.status,
    verdict: r.verdict,
    runner_target: r.runner_target,
    runner_id: r.runner_id,
    spec: parse(r.spec),
    ...times("created_at", r.created_at),
    ...times("claimed_at", r.claimed_at),
    ...times("finished_at", r.finished_at),
    exit_code: r.exit_code,
    failure_reason: r.failure_reason,
    events_count: Number(r.events_count),
    events_dropped: Number(r.events_dropped),
    batch_send_errors: Number(r.batch_send_errors),
    evidence: evidenceJson(r),
    is_baseline: Boolean(r.is_baseline),
    deviation_count: Number(r.deviation_count),
    max_severity: r.max_severity,
    timings: parse(r.timings),
    /** Where the sandbox installed (chosen per run; the differ reads it as /srv/install); null: an older runner. */
    project_dir: r.project_dir ?? null,
    /** Processes still alive after npm (or the import loader) exited, with their lineage (differ/outlived.ts). */
    outlived: parse(r.outlived ?? null) ?? [],
    urls: runUrls(r.id),
  };
}

/** Why the verdict is (or is not) "incomplete", with each kind of loss counted apart. */
export function evidenceJson(r: RunRow) {
  const issues = parse(r.evidence_issues);
  return {
    complete: r.verdict === null ? null : r.verdict !== "incomplete",
    issues: Array.isArray(issues) ? (issues as string[]) : [],
    events_emitted: r.events_emitted === null ? null : Number(r.events_emitted),
    losses: {
      ringbuf: Number(r.drops_ringbuf),
      read: Number(r.drops_read),
      decode: Number(r.drops_decode),
      unrouted: Number(r.drops_unrouted),
      unacked: Number(r.events_unacked),
    },
  };
}

export function runnerJson(r: RunnerRow, staleAfterMs: number, now = Date.now()) {
  const age = now - r.last_heartbeat_at;
  return {
    id: r.id,
    hostname: r.hostname,
    cert_cn: r.cert_cn,
    version: r.version,
    probes: parse(r.probes) ?? [],
    ...times("registered_at", r.registered_at),
    ...times("last_heartbeat_at", r.last_heartbeat_at),
    heartbeat_age_s: Math.max(0, Math.round(age / 1000)),
    alive: age <= staleAfterMs,
    active_run_id: r.active_run_id,
    active_run_url: r.active_run_id ? runUrls(r.active_run_id).api : null,
  };
}

export function deviationJson(d: DeviationRow) {
  return {
    id: d.id,
    run_id: d.run_id,
    package: d.package,
    category: d.category,
    actor: d.actor,
    value: d.value,
    phase: d.phase ?? "install",
    severity: d.severity,
    severity_rank: Number(d.severity_rank),
    reason: d.reason,
    evidence_seq: Number(d.evidence_seq),
    ...times("detected_at", d.detected_at),
    cleared: Boolean(d.cleared),
    ...times("cleared_at", d.cleared_at),
    cleared_by: d.cleared_by,
  };
}

export function packageJson(p: PackageRow) {
  return {
    name: p.name,
    watched: Boolean(p.watched),
    last_seen_version: p.last_seen_version,
    ...times("added_at", p.added_at),
    ...times("last_polled_at", p.last_polled_at),
    poll_error: p.poll_error,
    settings: parseSettings(p.settings),
  };
}

export function eventJson(e: { seq: number; kind: string; ts_ns: number; pid: number; comm: string; body: string; pinned: number; received_at: number }) {
  return { seq: Number(e.seq), kind: e.kind, ts_ns: Number(e.ts_ns), pid: e.pid, comm: e.comm, pinned: Boolean(e.pinned), ...times("received_at", e.received_at), event: parse(e.body) };
}

/** An allowlist entry (fangs allow add/remove/list, POST /v1/allowlist). */
export function allowJson(e: AllowRow) {
  return { id: e.id, kind: e.kind, value: e.value, package: e.package, note: e.note, source: e.source, created_at: e.created_at ? new Date(e.created_at).toISOString() : null };
}

export type RunJson = ReturnType<typeof runJson>;
export type RunnerJson = ReturnType<typeof runnerJson>;
export type DeviationJson = ReturnType<typeof deviationJson>;
export type PackageJson = ReturnType<typeof packageJson>;
export type AllowJson = ReturnType<typeof allowJson>;

/** One row of the triage queue (store/pending.ts; GET /v1/pending gives last_detected_at as ISO and _ms). */
export interface PendingRow {
  run_id: string;
  package: string;
  version: string;
  deviation_count: number;
  max_severity: string;
  last_detected_at: number;
  promote_command: string;
  /** The run's evidence is incomplete (verdict "incomplete"): why, and how to scan the release again. */
  incomplete: boolean;
  issues: string[];
  rescan_command: string | null;
  /** The phases (install, import) its open deviations came from. */
  phases: string[];
}

/** A queue row as GET /v1/pending gives it (its time twice, as every time). */
export type PendingJson = Omit<PendingRow, "last_detected_at"> & { last_detected_at: string; last_detected_at_ms: number };
