// Shared bits of the UI route handlers: HTML out, who is acting, id params.
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import * as v from "valibot";
import { RUN_ID } from "../../protocol/runner.ts";
import { OPERATOR_COOKIE } from "../auth/operator.ts";
import { peerOf } from "../auth/peer.ts";
import { NotFoundError } from "../../core/errors.ts";

type Html = { toString(): string | Promise<string> } | Promise<{ toString(): string | Promise<string> }>;

/** A full page (with doctype) or, for htmx, a fragment. */
export async function page(c: Context, body: Html, status = 200) {
  return c.html(`<!doctype html>${await (await body).toString()}`, status as 200);
}
export async function fragment(c: Context, body: Html, status = 200) {
  return c.html(await (await body).toString(), status as 200);
}

/** The audit actor for a mutation from the UI. */
export function uiActor(c: Context): string {
  const who = getCookie(c, OPERATOR_COOKIE) || c.req.header("authorization") ? "operator" : "local";
  return `ui:${who}@${peerOf(c).address ?? "local"}`;
}

/** Show "sign out" only to a browser that signed in. */
export const signedIn = (c: Context) => Boolean(getCookie(c, OPERATOR_COOKIE));

export function runIdParam(c: Context): string {
  const r = v.safeParse(RUN_ID, c.req.param("id"));
  if (!r.success) throw new NotFoundError(`run ${c.req.param("id")}`, "open a run from /ui/pending or /ui/");
  return r.output;
}

export function deviationIdParam(c: Context): string {
  const id = c.req.param("id") ?? "";
  if (!/^[0-9a-f]{16}$/.test(id)) throw new NotFoundError(`deviation ${id}`);
  return id;
}
