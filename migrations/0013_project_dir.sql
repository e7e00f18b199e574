-- 0013_project_dir (issue 13): the sandbox's project directory is chosen per
-- run (src/runner/sandbox/identity.ts) so a package cannot recognise the
-- sandbox by its INIT_CWD. The runner reports it with the finish; the differ
-- reads paths below it as PROJECT_DIR (src/differ/severity.ts), so baselines
-- stay comparable across runs. NULL: a run from before, at /srv/install.
ALTER TABLE runs ADD COLUMN project_dir TEXT;
