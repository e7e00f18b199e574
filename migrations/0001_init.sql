-- 0001_init: the whole core state of FANGS.
-- Written in the SQL subset SQLite and PostgreSQL share (TEXT, BIGINT,
-- INTEGER 0/1 for booleans, no autoincrement) so ONE file serves both
-- backends. Times are Unix milliseconds. Ids are random lowercase hex so the
-- CLI can match git-style prefixes. JSON columns are TEXT.

-- The watch list. last_seen_version is what the watcher compares
-- dist-tags.latest against; etag/last_modified make its polls conditional.
CREATE TABLE packages (
  name TEXT PRIMARY KEY,
  watched INTEGER NOT NULL DEFAULT 1,
  last_seen_version TEXT,
  added_at BIGINT NOT NULL,
  etag TEXT,
  last_modified TEXT,
  last_polled_at BIGINT,
  poll_error TEXT
);

-- Every version FANGS has decided to look at, and why.
CREATE TABLE releases (
  package TEXT NOT NULL,
  version TEXT NOT NULL,
  discovered_at BIGINT NOT NULL,
  source TEXT NOT NULL, -- kickoff | watcher | manual
  PRIMARY KEY (package, version)
);

-- One sandboxed install. status: queued | running | finished | failed | timed_out.
-- verdict (set by the differ): seeded | clean | deviations.
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  package TEXT NOT NULL,
  version TEXT NOT NULL,
  status TEXT NOT NULL,
  runner_target TEXT,
  runner_id TEXT,
  spec TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  claimed_at BIGINT,
  finished_at BIGINT,
  exit_code INTEGER,
  failure_reason TEXT,
  events_count BIGINT NOT NULL DEFAULT 0,
  events_dropped BIGINT NOT NULL DEFAULT 0,
  batch_send_errors INTEGER NOT NULL DEFAULT 0,
  is_baseline INTEGER NOT NULL DEFAULT 0,
  verdict TEXT,
  deviation_count INTEGER NOT NULL DEFAULT 0,
  max_severity TEXT,
  timings TEXT
);
CREATE INDEX runs_package_created ON runs (package, created_at);
CREATE INDEX runs_status ON runs (status);

-- Batches received per run: the primary key is what makes a retried batch a no-op.
CREATE TABLE event_batches (
  run_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  count INTEGER NOT NULL,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (run_id, seq)
);

-- Raw kernel events (high volume). seq is the runner-assigned ordinal within
-- the run; body is the decoded event as JSON. pinned = evidence, never pruned.
CREATE TABLE events (
  run_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  kind TEXT NOT NULL,
  ts_ns BIGINT NOT NULL,
  pid INTEGER NOT NULL,
  comm TEXT NOT NULL,
  body TEXT NOT NULL,
  pinned INTEGER NOT NULL DEFAULT 0,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE INDEX events_received ON events (received_at);

-- What one run did, reduced to fingerprints (category, actor, value).
CREATE TABLE run_fingerprints (
  run_id TEXT NOT NULL,
  category TEXT NOT NULL,
  actor TEXT NOT NULL,
  value TEXT NOT NULL,
  evidence_seq BIGINT NOT NULL,
  PRIMARY KEY (run_id, category, actor, value)
);

-- The rolling baseline per package. Never expires.
CREATE TABLE baseline_fingerprints (
  package TEXT NOT NULL,
  category TEXT NOT NULL,
  actor TEXT NOT NULL,
  value TEXT NOT NULL,
  occurrence_count INTEGER NOT NULL,
  first_seen_run TEXT NOT NULL,
  last_seen_run TEXT NOT NULL,
  first_seen_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  PRIMARY KEY (package, category, actor, value)
);

-- What is new in a run compared with its baseline.
CREATE TABLE deviations (
  id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL,
  package TEXT NOT NULL,
  category TEXT NOT NULL,
  actor TEXT NOT NULL,
  value TEXT NOT NULL,
  severity TEXT NOT NULL,
  severity_rank INTEGER NOT NULL,
  reason TEXT NOT NULL,
  evidence_seq BIGINT NOT NULL,
  detected_at BIGINT NOT NULL,
  cleared INTEGER NOT NULL DEFAULT 0,
  cleared_at BIGINT,
  cleared_by TEXT
);
CREATE INDEX deviations_open ON deviations (cleared, run_id);
CREATE INDEX deviations_run ON deviations (run_id);

-- Suppressions. kind: cidr | path | sni. package NULL = global.
-- source: cli | api | config (config entries have cfg… ids).
CREATE TABLE allowlist (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  package TEXT,
  note TEXT,
  source TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE notifiers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  url TEXT NOT NULL,
  template TEXT NOT NULL,
  secret_env TEXT,
  min_severity TEXT,
  headers TEXT,
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);

CREATE TABLE notifier_deliveries (
  id TEXT PRIMARY KEY,
  notifier_id TEXT NOT NULL,
  run_id TEXT,
  attempt INTEGER NOT NULL,
  outcome TEXT NOT NULL, -- delivered | failed | skipped
  http_status INTEGER,
  error TEXT,
  created_at BIGINT NOT NULL
);
CREATE INDEX notifier_deliveries_run ON notifier_deliveries (run_id);

-- The runner pool. id = hostname or the mTLS client-certificate CN.
CREATE TABLE runners (
  id TEXT PRIMARY KEY,
  hostname TEXT NOT NULL,
  cert_cn TEXT,
  version TEXT,
  probes TEXT,
  registered_at BIGINT NOT NULL,
  last_heartbeat_at BIGINT NOT NULL,
  active_run_id TEXT
);

-- Append-only record of every mutation of baselines, allowlists, notifiers,
-- packages and runs (the threat model's "v2 idea" against silent DB edits).
CREATE TABLE audit_log (
  id TEXT PRIMARY KEY,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target_kind TEXT NOT NULL,
  target_id TEXT NOT NULL,
  before TEXT,
  after TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
