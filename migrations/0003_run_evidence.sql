-- Run integrity (issue 10): a verdict only from complete evidence. Each kind
-- of evidence loss is counted apart so the operator (run show, the run page,
-- the API, /metrics) sees which level lost what: kernel ring reservations,
-- strings the kernel could not read, records the decoder rejected, events of
-- a watched cgroup no run owned, and events the runner never got
-- acknowledged. events_emitted is what the runner's sensor delivered for the
-- run (the orchestrator compares it with what it stored); evidence_issues is
-- the JSON array of reasons the run's verdict is "incomplete" (NULL when the
-- evidence was complete or the run was not diffed).
ALTER TABLE runs ADD COLUMN drops_ringbuf BIGINT NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN drops_read BIGINT NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN drops_decode BIGINT NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN drops_unrouted BIGINT NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN events_unacked BIGINT NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN events_emitted BIGINT;
ALTER TABLE runs ADD COLUMN evidence_issues TEXT;
CREATE INDEX runs_verdict ON runs (verdict);
