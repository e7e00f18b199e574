-- 0006_watch_settings (issue 16): what a watched package is scanned with,
-- where it came from, and which releases an operator confirmed malicious.
--
-- packages.settings is a JSON PackageSettings (src/protocol/package_settings.ts):
-- registry_url, network, duration_s, memory_mb, scan_every_release. NULL means
-- every default. Its registry_url is both where the watcher polls and where
-- the sandbox installs from, so the two can never disagree.
ALTER TABLE packages ADD COLUMN settings TEXT;

-- The lockfiles a package was imported from (`fangs package import`). One
-- package may come from several lockfiles. source is the lockfile's absolute
-- path, locked_version the version that lockfile pins.
CREATE TABLE package_sources (
  package TEXT NOT NULL,
  source TEXT NOT NULL,
  locked_version TEXT,
  added_at BIGINT NOT NULL,
  PRIMARY KEY (package, source)
);
CREATE INDEX package_sources_source ON package_sources (source);

-- Runs whose release an operator confirmed malicious (`fangs run confirm`),
-- the input of `fangs run report -format osv`.
CREATE TABLE run_confirmations (
  run_id TEXT PRIMARY KEY,
  confirmed_at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  note TEXT
);
