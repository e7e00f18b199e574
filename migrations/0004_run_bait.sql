-- Verdict rules (issue 12): each run plants its own bait values (random per
-- run, src/runner/bait.ts); the runner reports them with the finish so the
-- differ can tell "a captured string contains this run's planted token"
-- (critical bait exfiltration). JSON array of strings; NULL for runs from a
-- runner that predates per-run bait.
ALTER TABLE runs ADD COLUMN bait TEXT;
