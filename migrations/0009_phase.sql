-- 0009_phase (issue 13): the import phase and what outlived the install.
-- A run now has two phases (src/differ/phase.ts): `install` (npm install and
-- everything it started) and `import` (the package loaded by require() and
-- import() after the install is quiet). Each fingerprint, baseline row,
-- deviation and runtime-baseline row says which; rows stored before this
-- migration are all `install`. An import-phase actor is always
-- `import:<bin>`, so the existing primary keys (…, actor, value) already keep
-- the two phases apart: the same act first seen in the import phase is a
-- new fingerprint, hence a deviation, even when the install phase had it.
-- runs.outlived: JSON list of the processes still alive after npm exited (or
-- after the import loader did), each with its lineage (src/differ/outlived.ts);
-- NULL for runs from before it.
ALTER TABLE run_fingerprints ADD COLUMN phase TEXT NOT NULL DEFAULT 'install';
ALTER TABLE baseline_fingerprints ADD COLUMN phase TEXT NOT NULL DEFAULT 'install';
ALTER TABLE deviations ADD COLUMN phase TEXT NOT NULL DEFAULT 'install';
ALTER TABLE runtime_baseline ADD COLUMN phase TEXT NOT NULL DEFAULT 'install';
ALTER TABLE runs ADD COLUMN outlived TEXT;
