-- 0008_install_manifests (issue 14): why a run's behaviour changed.
-- Each run may carry an install manifest (src/protocol/manifest.ts): the
-- dependency tree, lifecycle scripts and file hashes of what its install put
-- on disk, taken by the runner in a separate script-free container from the
-- same registry (src/manifest/collect.ts). When the run finishes, the
-- orchestrator diffs it against the package's most recent baseline release
-- that has one (src/releasediff/diff.ts) and stores the result here, once.
--
-- manifest: JSON InstallManifest; file lists are kept only for the scanned
-- package and the packages whose version changed since the baseline release.
-- diff: JSON ReleaseDiff (NULL until the run ended, or when it had no
-- manifest); diff_base_run: the baseline run compared with (NULL: none).
CREATE TABLE run_manifests (
  run_id TEXT PRIMARY KEY,
  manifest TEXT NOT NULL,
  bytes BIGINT NOT NULL,
  collect_ms BIGINT,
  received_at BIGINT NOT NULL,
  diff TEXT,
  diff_base_run TEXT,
  diff_us BIGINT,
  diffed_at BIGINT
);

-- Control re-runs (`fangs scan submit -control`, the run page's button): the
-- baseline release re-scanned now on the same runner and spec as a suspect
-- run, so an operator can tell a changed environment (the control deviates
-- too) from a changed package (only the new release does).
CREATE TABLE run_controls (
  run_id TEXT PRIMARY KEY,
  control_of TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  actor TEXT NOT NULL
);
CREATE INDEX run_controls_of ON run_controls (control_of);
