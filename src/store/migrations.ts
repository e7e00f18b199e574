// The SQL migrations, embedded in the executable. Append-only: add a new file
// under migrations/ and one line here (a unit test checks the two agree).
import m0001 from "../../migrations/0001_init.sql" with { type: "text" };
import m0002 from "../../migrations/0002_revoked_certs.sql" with { type: "text" };
import m0003 from "../../migrations/0003_run_evidence.sql" with { type: "text" };
import m0004 from "../../migrations/0004_verdict.sql" with { type: "text" };
import m0006 from "../../migrations/0006_watch_settings.sql" with { type: "text" };
import m0007 from "../../migrations/0007_audit_chain.sql" with { type: "text" };
import m0008 from "../../migrations/0008_install_manifests.sql" with { type: "text" };
import m0009 from "../../migrations/0009_phase.sql" with { type: "text" };
import m0012 from "../../migrations/0012_fingerprint_sets.sql" with { type: "text" };
import m0013 from "../../migrations/0013_project_dir.sql" with { type: "text" };

export const MIGRATIONS: ReadonlyArray<{ version: string; sql: string }> = [
  { version: "0001_init", sql: m0001 },
  { version: "0002_revoked_certs", sql: m0002 },
  { version: "0003_run_evidence", sql: m0003 },
  { version: "0004_verdict", sql: m0004 },
  { version: "0006_watch_settings", sql: m0006 },
  { version: "0007_audit_chain", sql: m0007 },
  { version: "0008_install_manifests", sql: m0008 },
  { version: "0009_phase", sql: m0009 },
  { version: "0012_fingerprint_sets", sql: m0012 },
  { version: "0013_project_dir", sql: m0013 },
];
