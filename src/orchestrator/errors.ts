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

export function errorHandler(log: Log, storage?: StorageHealth) {
  return (err: Error, c: Context) => {
    const unwritable = unwritableReason(err);
    if (unwritable) {
      // An operator problem, not a bug: one line in the log, a safe 503 the caller retries.
      storage?.failed(unwritable, oneLine(err));
      return c.json({ error: "the database cannot be written right now; try again later", hint: "the operator must free disk space or make the database writable" }, 503, { "retry-after": "10" });
    }
    if (err instanceof FangsError) {
      return c.json(err.hint ? { error: err.message, hint: err.hint } : { error: err.message }, err.status as 400);
    }
    if (err instanceof HTTPException) {
      return c.json({ error: err.message || "request rejected" }, err.status);
    }
    log(`internal error on ${c.req.method} ${c.req.routePath}: ${err.stack ?? err.message}`);
    return c.json({ error: "internal error (see the orchestrator log)" }, 500);
  };
}

/** The path is never echoed: it is the caller's text (reflected content, log forging). */
export function notFound(c: Context) {
  return c.json({ error: "no such endpoint", hint: "see src/orchestrator/API.md for the routes" }, 404);
}
