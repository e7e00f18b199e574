// The SQL migrations, embedded in the executable. Append-only: add a new file
// under migrations/ and one line here (a unit test checks the two agree).
import m0001 from "../../migrations/0001_init.sql" with { type: "text" };
import m0002 from "../../migrations/0002_revoked_certs.sql" with { type: "text" };
import m0004 from "../../migrations/0004_verdict.sql" with { type: "text" };

export const MIGRATIONS: ReadonlyArray<{ version: string; sql: string }> = [
  { version: "0001_init", sql: m0001 },
  { version: "0002_revoked_certs", sql: m0002 },
  { version: "0004_verdict", sql: m0004 },
];
