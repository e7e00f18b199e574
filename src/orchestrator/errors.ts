// The one error path of the HTTP surface: expected failures are FangsError /
// HTTPException with a safe message; a database that cannot be written (disk
// full, read-only) is a 503 with a safe message and one log line; anything
// else is logged with its detail and answered with a generic 500.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { FangsError } from "../core/errors.ts";
import type { Log } from "./log.ts";
import { oneLine } from "../core/errors.ts";
import { unwritableReason } from "../store/unwritable.ts";
import type { StorageHealth } from "./storage_health.ts";

export interface ErrorAnswer { status: number; body: { error: string; hint?: string }; headers?: Record<string, string> }

/** What the caller is told about `err` (and what the log gets): also used where the answer is already streaming. */
export function errorAnswer(err: Error, where: string, log: Log, storage?: StorageHealth): ErrorAnswer {
  const unwritable = unwritableReason(err);
  if (unwritable) {
    // An operator problem, not a bug: one line in the log, a safe 503 the caller retries.
    storage?.failed(unwritable, oneLine(err));
    return { status: 503, body: { error: "the database cannot be written right now; try again later", hint: "the operator must free disk space or make the database writable" }, headers: { "retry-after": "10" } };
  }
  if (err instanceof FangsError) return { status: err.status, body: err.hint ? { error: err.message, hint: err.hint } : { error: err.message } };
  if (err instanceof HTTPException) return { status: err.status, body: { error: err.message || "request rejected" } };
  log(`internal error on ${where}: ${err.stack ?? err.message}`);
  return { status: 500, body: { error: "internal error (see the orchestrator log)" } };
}

export function errorHandler(log: Log, storage?: StorageHealth) {
  return (err: Error, c: Context) => {
    const a = errorAnswer(err, `${c.req.method} ${c.req.routePath}`, log, storage);
    return c.json(a.body, a.status as 400, a.headers);
  };
}

/** The path is never echoed: it is the caller's text (reflected content, log forging). */
export function notFound(c: Context) {
  return c.json({ error: "no such endpoint", hint: "see src/orchestrator/API.md for the routes" }, 404);
}
