-- Verdict rules (issue 12).
-- runs.bait: each run plants its own bait values (random per run,
-- src/runner/bait.ts); the runner reports them with the finish so the differ
-- can tell "a captured string contains this run's planted token" (critical
-- bait exfiltration). JSON array of strings; NULL for older runners.
-- runs.image_id: the sandbox image the run used (docker image id), which
-- selects the runtime baseline applied beneath the package's baseline.
-- runtime_baseline: per image id, what a lifecycle script that does nothing
-- does there (src/differ/runtime.ts), learned by the runner's control
-- install and reported with each finish; a new image id is learned anew.
ALTER TABLE runs ADD COLUMN bait TEXT;
ALTER TABLE runs ADD COLUMN image_id TEXT;
CREATE TABLE runtime_baseline (
  image_id TEXT NOT NULL,
  category TEXT NOT NULL,
  actor TEXT NOT NULL,
  value TEXT NOT NULL,
  learned_at BIGINT NOT NULL,
  learned_by TEXT NOT NULL,
  PRIMARY KEY (image_id, category, actor, value)
);
