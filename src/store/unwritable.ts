// Failures of the storage itself (full disk, read-only file or database, I/O
// errors, a PostgreSQL session ended under us), told apart from bugs: they deserve one clear operator line and a
// 503 the caller can retry, not a stack trace and a bare 500.

/** A sentence for the operator when `e` means the database cannot be written now, else undefined. */
export function unwritableReason(e: unknown): string | undefined {
  const code = String((e as { code?: unknown })?.code ?? "");
  const msg = e instanceof Error ? e.message : String(e);
  if (code === "SQLITE_FULL" || code === "53100" || /database or disk is full|No space left on device|ENOSPC/i.test(msg)) return "the disk holding the database is full";
  if (code.startsWith("SQLITE_READONLY") || code === "25006" || /readonly database|read-only/i.test(msg)) return "the database is read-only";
  if (code.startsWith("SQLITE_IOERR") || code === "58030" || /disk I\/O error/i.test(msg)) return "the database had an I/O error";
  if (code === "SQLITE_CANTOPEN") return "the database file cannot be opened";
  // PostgreSQL: the server ended our session (restart, pg_terminate_backend) or refuses connections now.
  if (/^(57P0[123]|08\d\d\d)$/.test(code) || /Connection terminated|terminating connection due to administrator command/i.test(msg)) return "the database connection was lost";
  return undefined;
}
