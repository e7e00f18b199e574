// Every input edge goes through valibot via this wrapper. The hook replaces
// the validator's default 400 (which echoes the input back) with our own
// `{error}` body naming the first problem's field — never the value.
import { vValidator } from "@hono/valibot-validator";
import type { ValidationTargets } from "hono";
import type { GenericSchema } from "valibot";

export function firstIssue(issues: ReadonlyArray<{ message: string; path?: ReadonlyArray<{ key: unknown }> }>): string {
  const i = issues[0];
  if (!i) return "invalid request";
  const where = (i.path ?? []).map((p) => String(p.key)).join(".");
  // valibot messages quote the received value for some checks; keep only
  // the expectation part so attacker input is not reflected.
  const msg = i.message.replace(/,?\s*but received .*$/s, "").replace(/Received .*$/s, "").trim();
  return where ? `${where}: ${msg}` : msg;
}

export function valid<T extends GenericSchema, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return vValidator(target, schema, (result, c) => {
    if (!result.success) return c.json({ error: `invalid ${target === "json" ? "body" : target}: ${firstIssue(result.issues)}` }, 400);
  });
}
