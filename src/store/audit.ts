// The append-only audit log: every mutation of baselines, allowlists,
// notifiers, packages and runs writes one row, in the same transaction as the
// change it records. Nothing in FANGS updates or deletes these rows.
import type { Kysely, Transaction } from "kysely";
import type { DB } from "./schema.ts";
import { newId } from "../core/ids.ts";
import { chainHash } from "./audit_chain.ts";

export type AuditTarget = "baseline" | "allowlist" | "notifier" | "package" | "run" | "deviation" | "certificate" | "lockfile";

export interface AuditEntry {
  actor: string; // e.g. "cli:root@host", "api:operator", "runner:scan-01", "system:watcher"
  action: string; // e.g. "package.add", "allow.remove", "baseline.promote"
  target_kind: AuditTarget;
  target_id: string;
  before?: unknown;
  after?: unknown;
}

/**
 * Append one row, chained to the previous one (store/audit_chain.ts). Bumping
 * audit_head first takes its row lock, so concurrent writers queue behind it
 * and the chain never forks; outside a transaction it opens one of its own.
 */
export async function audit(db: Kysely<DB> | Transaction<DB>, e: AuditEntry): Promise<void> {
  if (!db.isTransaction) return db.transaction().execute((tx) => audit(tx, e));
  const head = await db
    .updateTable("audit_head")
    .set((eb) => ({ seq: eb("seq", "+", 1) }))
    .where("id", "=", 1)
    .returning(["seq", "hash"])
    .executeTakeFirstOrThrow();
  const row = {
    seq: Number(head.seq),
    prev_hash: head.hash,
    id: newId(),
    at: Date.now(),
    actor: e.actor,
    action: e.action,
    target_kind: e.target_kind,
    target_id: e.target_id,
    before: e.before === undefined ? null : JSON.stringify(e.before),
    after: e.after === undefined ? null : JSON.stringify(e.after),
  };
  const hash = chainHash(row);
  await db.updateTable("audit_head").set({ hash }).where("id", "=", 1).execute();
  await db.insertInto("audit_log").values({ ...row, hash }).execute();
}

/** Who is acting, for CLI commands: the OS user and host. */
export function cliActor(): string {
  const user = process.env.SUDO_USER || process.env.USER || "unknown";
  return `cli:${user}@${require("node:os").hostname()}`;
}

export const AUDIT_TARGETS: readonly AuditTarget[] = ["baseline", "allowlist", "notifier", "package", "run", "deviation", "certificate", "lockfile"];

export interface AuditRow { id: string; at: number; actor: string; action: string; target_kind: string; target_id: string; before: unknown; after: unknown; seq: number | null; hash: string | null }

/** Newest first; `fangs audit` and GET /v1/audit read through this. */
export async function listAudit(db: Kysely<DB>, q: { targetKind?: string; targetId?: string; limit?: number } = {}): Promise<AuditRow[]> {
  let sel = db.selectFrom("audit_log").select(["id", "at", "actor", "action", "target_kind", "target_id", "before", "after", "seq", "hash"]);
  if (q.targetKind) sel = sel.where("target_kind", "=", q.targetKind);
  if (q.targetId) sel = sel.where("target_id", "=", q.targetId);
  const rows = await sel.orderBy("at", "desc").orderBy("id", "desc").limit(q.limit ?? 50).execute();
  const parse = (s: string | null) => {
    if (s === null) return null;
    try { return JSON.parse(s); } catch { return s; }
  };
  return rows.map((r) => ({ ...r, at: Number(r.at), seq: r.seq === null ? null : Number(r.seq), before: parse(r.before), after: parse(r.after) }));
}
