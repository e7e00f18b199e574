// The API's JSON shapes, in one place so the CLI, scripts and a later web UI
// see the same stable snake_case keys. Every time is given twice: ISO-8601
// (`x_at`) and Unix milliseconds (`x_at_ms`).
import type { Run, Runner, Deviation, Package } from "../store/schema.ts";
import { parseSettings } from "../protocol/package_settings.ts";

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

export function runJson(r: Run) {
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
    /** Processes still alive after npm (or the import loader) exited, with their lineage (differ/outlived.ts). */
    outlived: parse(r.outlived ?? null) ?? [],
    urls: runUrls(r.id),
  };
}

/** Why the verdict is (or is not) "incomplete", with each kind of loss counted apart. */
export function evidenceJson(r: Run) {
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

export function runnerJson(r: Runner, staleAfterMs: number, now = Date.now()) {
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

export function deviationJson(d: Deviation) {
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

export function packageJson(p: Package) {
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
