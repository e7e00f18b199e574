// Kysely table types, mirroring migrations/*.sql. Booleans are 0/1 integers
// and times Unix milliseconds on both backends (see 0001_init.sql).
import type { Generated, Insertable, Selectable, Updateable } from "kysely";

export interface PackagesTable {
  name: string;
  watched: Generated<number>;
  last_seen_version: string | null;
  added_at: number;
  etag: string | null;
  last_modified: string | null;
  last_polled_at: number | null;
  poll_error: string | null;
  settings: string | null; // JSON PackageSettings (0006); NULL = defaults
}

export interface PackageSourcesTable {
  package: string;
  source: string;
  locked_version: string | null;
  added_at: number;
}

export interface RunConfirmationsTable {
  run_id: string;
  confirmed_at: number;
  actor: string;
  note: string | null;
}

export interface ReleasesTable {
  package: string;
  version: string;
  discovered_at: number;
  source: "kickoff" | "watcher" | "manual";
}

export type RunStatus = "queued" | "running" | "finished" | "failed" | "timed_out";
/**
 * incomplete: the evidence behind the run is not whole (install failed, events
 * lost at some level, no end report); it never seeds or extends a baseline and
 * waits in pending. It wins over every other verdict.
 * seeded_with_findings: a first run with ≥ high absolute findings (differ/first_sight.ts),
 * held in pending; its baseline is used for deltas but trusted only once promoted.
 * no-install-code: the watcher recorded the release without a sandbox, as
 * nothing in its installed closure runs at install (issue 16).
 */
export type RunVerdict = "seeded" | "seeded_with_findings" | "clean" | "deviations" | "incomplete" | "no-install-code";

export interface RunsTable {
  id: string;
  package: string;
  version: string;
  status: RunStatus;
  runner_target: string | null;
  runner_id: string | null;
  spec: string; // JSON SandboxSpec
  created_at: number;
  claimed_at: number | null;
  finished_at: number | null;
  exit_code: number | null;
  failure_reason: string | null;
  events_count: Generated<number>;
  events_dropped: Generated<number>;
  batch_send_errors: Generated<number>;
  is_baseline: Generated<number>;
  verdict: RunVerdict | null;
  deviation_count: Generated<number>;
  max_severity: string | null;
  timings: string | null; // JSON
  /** JSON string[]: the run's bait values (0004_verdict.sql); null for runs from older runners. */
  bait?: string | null;
  /** Where the sandbox installed (0013_project_dir.sql); null for runs from older runners (/srv/install). */
  project_dir?: string | null;
  drops_ringbuf: Generated<number>;
  drops_read: Generated<number>;
  drops_decode: Generated<number>;
  drops_unrouted: Generated<number>;
  events_unacked: Generated<number>;
  events_emitted: number | null;
  evidence_issues: string | null; // JSON string[]
  /** The sandbox image id the run used (0004_verdict.sql): selects the runtime baseline. */
  image_id?: string | null;
  /** JSON Outlived[] (0009_phase.sql, src/differ/outlived.ts); null for older runs. */
  outlived?: string | null;
}

export interface RuntimeBaselineTable {
  image_id: string;
  category: string;
  actor: string;
  value: string;
  learned_at: number;
  learned_by: string;
  /** install | import (0009_phase.sql). */
  phase: Generated<string>;
}

export interface EventBatchesTable {
  run_id: string;
  seq: number;
  count: number;
  received_at: number;
}

export interface EventsTable {
  run_id: string;
  seq: number;
  kind: string;
  ts_ns: number;
  pid: number;
  comm: string;
  body: string; // JSON FangsEvent
  pinned: Generated<number>;
  received_at: number;
}

/** Before 0012: one row per fingerprint (read for runs diffed before then). */
export interface RunFingerprintsTable {
  run_id: string;
  category: string;
  actor: string;
  value: string;
  evidence_seq: number;
  /** install | import (0009_phase.sql). */
  phase: Generated<string>;
}

/** A run's fingerprints as one JSON document: [category, actor, value, evidence_seq][]. */
export interface RunFingerprintSetsTable {
  run_id: string;
  count: number;
  body: string;
}

export interface BaselineFingerprintsTable {
  package: string;
  category: string;
  actor: string;
  value: string;
  occurrence_count: number;
  first_seen_run: string;
  last_seen_run: string;
  first_seen_at: number;
  last_seen_at: number;
  /** install | import (0009_phase.sql). */
  phase: Generated<string>;
}

export interface DeviationsTable {
  id: string;
  run_id: string;
  package: string;
  category: string;
  actor: string;
  value: string;
  severity: string;
  severity_rank: number;
  reason: string;
  evidence_seq: number;
  detected_at: number;
  cleared: Generated<number>;
  cleared_at: number | null;
  cleared_by: string | null;
  /** install | import (0009_phase.sql). */
  phase: Generated<string>;
}

export interface AllowlistTable {
  id: string;
  kind: "cidr" | "path" | "sni";
  value: string;
  package: string | null;
  note: string | null;
  source: "cli" | "api" | "config";
  created_at: number;
}

export interface NotifiersTable {
  id: string;
  name: string;
  url: string;
  template: "slack" | "discord" | "generic";
  secret_env: string | null;
  min_severity: string | null;
  headers: string | null;
  enabled: Generated<number>;
  created_at: number;
}

export interface NotifierDeliveriesTable {
  id: string;
  notifier_id: string;
  run_id: string | null;
  attempt: number;
  outcome: "delivered" | "failed" | "skipped";
  http_status: number | null;
  error: string | null;
  created_at: number;
}

export interface RunnersTable {
  id: string;
  hostname: string;
  cert_cn: string | null;
  version: string | null;
  probes: string | null; // JSON ProbeStatus[]
  registered_at: number;
  last_heartbeat_at: number;
  active_run_id: string | null;
}

export interface RevokedCertsTable {
  serial: string; // lowercase hex, no leading zeros
  cn: string;
  revoked_at: number;
  reason: string | null;
}

export interface AuditLogTable {
  id: string;
  at: number;
  actor: string;
  action: string;
  target_kind: string;
  target_id: string;
  before: string | null;
  after: string | null;
  /** Chain position; null for rows written before 0007_audit_chain. */
  seq: number | null;
  prev_hash: string | null;
  hash: string | null;
}

/** One row (id 1): the newest chained audit row's seq and hash. */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
  /** Rows that predate the chain (no hash); fixed when the chain began. */
  unchained: number;
}

export interface SchemaMigrationsTable {
  version: string;
  applied_at: number;
}

/** 0008: a run's install manifest and its release diff (issue 14). */
export interface RunManifestsTable {
  run_id: string;
  manifest: string; // JSON InstallManifest
  bytes: number;
  collect_ms: number | null;
  received_at: number;
  diff: string | null; // JSON ReleaseDiff
  diff_base_run: string | null;
  diff_us: number | null;
  diffed_at: number | null;
}

/** 0008: control re-runs of a baseline release beside a suspect run. */
export interface RunControlsTable {
  run_id: string;
  control_of: string;
  created_at: number;
  actor: string;
}

export interface DB {
  run_manifests: RunManifestsTable;
  run_controls: RunControlsTable;
  packages: PackagesTable;
  package_sources: PackageSourcesTable;
  run_confirmations: RunConfirmationsTable;
  releases: ReleasesTable;
  runs: RunsTable;
  event_batches: EventBatchesTable;
  events: EventsTable;
  run_fingerprints: RunFingerprintsTable;
  run_fingerprint_sets: RunFingerprintSetsTable;
  baseline_fingerprints: BaselineFingerprintsTable;
  runtime_baseline: RuntimeBaselineTable;
  deviations: DeviationsTable;
  allowlist: AllowlistTable;
  notifiers: NotifiersTable;
  notifier_deliveries: NotifierDeliveriesTable;
  runners: RunnersTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  revoked_certs: RevokedCertsTable;
  schema_migrations: SchemaMigrationsTable;
}

export type Run = Selectable<RunsTable>;
export type NewRun = Insertable<RunsTable>;
export type RunUpdate = Updateable<RunsTable>;
export type Deviation = Selectable<DeviationsTable>;
export type AllowEntry = Selectable<AllowlistTable>;
export type Package = Selectable<PackagesTable>;
export type Runner = Selectable<RunnersTable>;
export type BaselineFingerprint = Selectable<BaselineFingerprintsTable>;
export type StoredEvent = Selectable<EventsTable>;
