import { expect, test } from "bun:test";
import { unwritableReason } from "./unwritable.ts";

const err = (code: string, message: string) => Object.assign(new Error(message), { code });

test.each([
  [err("SQLITE_FULL", "database or disk is full"), "the disk holding the database is full"],
  [err("53100", "could not extend file"), "the disk holding the database is full"],
  [err("SQLITE_READONLY", "attempt to write a readonly database"), "the database is read-only"],
  [err("25006", "cannot execute INSERT in a read-only transaction"), "the database is read-only"],
  [err("SQLITE_IOERR_WRITE", "disk I/O error"), "the database had an I/O error"],
  [err("57P01", "terminating connection due to administrator command"), "the database connection was lost"],
  [new Error("Connection terminated unexpectedly"), "the database connection was lost"],
  [err("SQLITE_CONSTRAINT", "UNIQUE constraint failed"), undefined],
  [new TypeError("x is undefined"), undefined],
])("%p → %p", (e, want) => {
  expect(unwritableReason(e)).toBe(want);
});
