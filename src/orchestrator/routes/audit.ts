// GET /v1/audit?target_kind=&target_id=&limit= : the append-only audit log,
// newest first; GET /v1/audit/verify?anchor=SEQ:HASH : its hash chain checked
// (store/audit_chain.ts). Operator auth applies, see auth/install.ts.
import { Hono } from "hono";
import * as v from "valibot";
import type { AppDeps } from "../deps.ts";
import { valid } from "../validate.ts";
import { AUDIT_TARGETS, listAudit } from "../../store/audit.ts";
import { verifyAuditChain } from "../../store/audit_chain.ts";

const AuditQuery = v.strictObject({
  target_kind: v.optional(v.picklist(AUDIT_TARGETS as string[], `target_kind: one of ${AUDIT_TARGETS.join(", ")}`)),
  target_id: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(256))),
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,5}$/, "limit: whole number"), v.transform(Number), v.minValue(1), v.maxValue(10_000))),
});

const VerifyQuery = v.strictObject({
  anchor: v.optional(v.pipe(v.string(), v.regex(/^\d{1,15}:[0-9a-f]{64}$/, "anchor: SEQ:HASH as fangs serve logs it"))),
});

export function auditRoutes(d: Pick<AppDeps, "db">) {
  const app = new Hono();
  app.get("/v1/audit", valid("query", AuditQuery), async (c) => {
    const q = c.req.valid("query");
    const rows = await listAudit(d.db, { targetKind: q.target_kind, targetId: q.target_id, limit: q.limit ?? 100 });
    return c.json({ entries: rows.map((r) => ({ ...r, at: new Date(r.at).toISOString(), at_ms: r.at })) });
  });
  app.get("/v1/audit/verify", valid("query", VerifyQuery), async (c) => {
    const a = c.req.valid("query").anchor?.split(":");
    return c.json(await verifyAuditChain(d.db, a ? { seq: Number(a[0]), hash: a[1]! } : undefined));
  });
  return app;
}
