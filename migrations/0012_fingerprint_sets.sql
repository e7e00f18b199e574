-- 0012_fingerprint_sets (issue 12, differ speed): a run's fingerprints are
-- only ever read whole, by run id (re-diff, promote), so they are kept as one
-- JSON document per run instead of one indexed row each. Writing a big run's
-- 70,000 rows, each repeated in the primary-key index, was the largest single
-- cost of a verdict; one document is written in milliseconds.
-- body: JSON array of [category, actor, value, evidence_seq].
-- run_fingerprints stays for runs diffed before this version and is read only
-- when a run has no set (store/fingerprints.ts); a re-diff moves it here.
CREATE TABLE run_fingerprint_sets (
  run_id TEXT PRIMARY KEY,
  count INTEGER NOT NULL,
  body TEXT NOT NULL
);
