// The append-only audit log: every mutation of baselines, allowlists,
// notifiers, packages and runs writes one row, in the same transaction as the
// change it records. Nothing in FANGS updates or deletes these rows.
import type { Kysely, Transaction } from "kysely";
import type { DB } from "./schema.ts";
import { newId } from "../core/ids.ts";

export type AuditTarget = "baseline" | "allowlist" | "notifier" | "package" | "run" | "deviation" | "certificate" | "lockfile";

export interface AuditEntry {
  actor: string; // e.g. "cli:root@host", "api:operator", "runner:scan-01", "system:watcher"
  action: string; // e.g. "package.add", "allow.remove", "baseline.promote"
  target_kind: AuditTarget;
  target_id: string;
  before?: unknown;
  after?: unknown;
}

export async function audit(db: Kysely<DB> | Transaction<DB>, e: AuditEntry): Promise<void> {
  await db
    .insertInto("audit_log")
    .values({
      id: newId(),
      at: Date.now(),
      actor: e.actor,
      action: e.action,
      target_kind: e.target_kind,
      target_id: e.target_id,
      before: e.before === undefined ? null : JSON.stringify(e.before),
      after: e.after === undefined ? null : JSON.stringify(e.after),
    })
    .execute();
}

/** Who is acting, for CLI commands: the OS user and host. */
export function cliActor(): string {
  const user = process.env.SUDO_USER || process.env.USER || "unknown";
  return `cli:${user}@${require("node:os").hostname()}`;
}

export const AUDIT_TARGETS: readonly AuditTarget[] = ["baseline", "allowlist", "notifier", "package", "run", "deviation", "certificate", "lockfile"];

export interface AuditRow { id: string; at: number; actor: string; action: string; target_kind: string; target_id: string; before: unknown; after: unknown }

/** Newest first; `fangs audit` and GET /v1/audit read through this. */
export async function listAudit(db: Kysely<DB>, q: { targetKind?: string; targetId?: string; limit?: number } = {}): Promise<AuditRow[]> {
  let sel = db.selectFrom("audit_log").selectAll();
  if (q.targetKind) sel = sel.where("target_kind", "=", q.targetKind);
  if (q.targetId) sel = sel.where("target_id", "=", q.targetId);
  const rows = await sel.orderBy("at", "desc").orderBy("id", "desc").limit(q.limit ?? 50).execute();
  const parse = (s: string | null) => {
    if (s === null) return null;
    try { return JSON.parse(s); } catch { return s; }
  };
  return rows.map((r) => ({ ...r, at: Number(r.at), before: parse(r.before), after: parse(r.after) }));
}
