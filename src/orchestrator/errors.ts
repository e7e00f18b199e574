// The one error path of the HTTP surface: expected failures are FangsError /
// HTTPException with a safe message; anything else is logged with its detail
// and answered with a generic 500.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { FangsError } from "../core/errors.ts";
import type { Log } from "./log.ts";

export function errorHandler(log: Log) {
  return (err: Error, c: Context) => {
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

export function notFound(c: Context) {
  return c.json({ error: `no such endpoint: ${c.req.method} ${new URL(c.req.url).pathname}` }, 404);
}
