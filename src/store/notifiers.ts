// Notifier targets and their delivery attempts. Every change to a target
// writes an audit row in the same transaction; the audit row holds the
// redacted view (the URL of a Slack/Discord target is its secret).
import type { Kysely, Selectable, Transaction } from "kysely";
import type { DB, NotifiersTable, NotifierDeliveriesTable } from "./schema.ts";
import { newId } from "../core/ids.ts";
import { FangsError, NotFoundError } from "../core/errors.ts";
import { audit } from "./audit.ts";
import { nameError, parseHeaders, redactUrl, secretEnvError, severityError, templateError, urlError, type Template } from "../protocol/notifier.ts";

type Db = Kysely<DB> | Transaction<DB>;
export type Notifier = Selectable<NotifiersTable>;
export type Delivery = Selectable<NotifierDeliveriesTable>;
export type DeliveryOutcome = Delivery["outcome"];

export interface NewNotifier {
  name: string;
  url: string;
  template: string;
  secretEnv?: string | null;
  minSeverity?: string | null;
  /** The -headers JSON text as given. */
  headers?: string | null;
  enabled?: boolean;
}

/** What may leave the database: no URL path/query of chat targets, no header values. */
export function notifierPublic(n: Notifier) {
  const headers = n.headers ? Object.keys(JSON.parse(n.headers) as Record<string, string>) : [];
  return {
    id: n.id,
    name: n.name,
    template: n.template,
    url: redactUrl(n.url, n.template),
    secret_env: n.secret_env,
    min_severity: n.min_severity,
    header_names: headers,
    enabled: Boolean(n.enabled),
    created_at: new Date(Number(n.created_at)).toISOString(),
    created_at_ms: Number(n.created_at),
  };
}

/** Validate everything, or throw the first problem as a FangsError. */
export function checkNotifier(n: NewNotifier): Omit<Notifier, "id" | "created_at"> {
  const bad = (msg: string | undefined, hint?: string) => {
    if (msg) throw new FangsError(msg, { hint });
  };
  bad(nameError(n.name), "fangs notifier add -name soc-slack -url https://hooks.slack.com/services/… -template slack");
  bad(templateError(n.template));
  bad(urlError(n.url) && `bad -url: ${urlError(n.url)}`, "use an https:// URL (http:// only to 127.0.0.1 for local testing)");
  if (n.secretEnv) bad(secretEnvError(n.secretEnv, n.template), "fangs notifier add -template generic -secret-env FANGS_HMAC …");
  if (n.minSeverity) bad(severityError(n.minSeverity) && `bad -min-severity: ${severityError(n.minSeverity)}`);
  let headers: string | null = null;
  if (n.headers) {
    const h = parseHeaders(n.headers);
    bad(h.error, `e.g. -headers '{"X-Team":"soc"}'`);
    headers = Object.keys(h.headers!).length ? JSON.stringify(h.headers) : null;
  }
  return {
    name: n.name,
    url: n.url,
    template: n.template as Template,
    secret_env: n.secretEnv || null,
    min_severity: n.minSeverity || null,
    headers,
    enabled: n.enabled === false ? 0 : 1,
  };
}

export async function listNotifiers(db: Db, opts: { enabledOnly?: boolean } = {}): Promise<Notifier[]> {
  let q = db.selectFrom("notifiers").selectAll();
  if (opts.enabledOnly) q = q.where("enabled", "=", 1);
  return q.orderBy("name").execute();
}

export async function getNotifier(db: Db, name: string): Promise<Notifier | undefined> {
  return db.selectFrom("notifiers").selectAll().where("name", "=", name).executeTakeFirst();
}

async function mustNotifier(db: Db, name: string): Promise<Notifier> {
  const n = await getNotifier(db, name);
  if (!n) throw new NotFoundError(`notifier ${JSON.stringify(name)}`, "fangs notifier list");
  return n;
}

export async function addNotifier(db: Kysely<DB>, input: NewNotifier, actor: string): Promise<Notifier> {
  const row: Notifier = { id: newId(), created_at: Date.now(), ...checkNotifier(input) };
  await db.transaction().execute(async (tx) => {
    if (await getNotifier(tx, row.name)) throw new FangsError(`notifier ${row.name} already exists`, { hint: `fangs notifier remove ${row.name} first, or pick another -name` });
    await tx.insertInto("notifiers").values(row).execute();
    await audit(tx, { actor, action: "notifier.add", target_kind: "notifier", target_id: row.id, after: notifierPublic(row) });
  });
  return row;
}

export async function removeNotifier(db: Kysely<DB>, name: string, actor: string): Promise<Notifier> {
  return db.transaction().execute(async (tx) => {
    const n = await mustNotifier(tx, name);
    await tx.deleteFrom("notifiers").where("id", "=", n.id).execute();
    await audit(tx, { actor, action: "notifier.remove", target_kind: "notifier", target_id: n.id, before: notifierPublic(n) });
    return n;
  });
}

/** Returns the row after the change; no audit row when nothing changed. */
export async function setNotifierEnabled(db: Kysely<DB>, name: string, enabled: boolean, actor: string): Promise<{ notifier: Notifier; changed: boolean }> {
  return db.transaction().execute(async (tx) => {
    const n = await mustNotifier(tx, name);
    const want = enabled ? 1 : 0;
    if (Number(n.enabled) === want) return { notifier: n, changed: false };
    await tx.updateTable("notifiers").set({ enabled: want }).where("id", "=", n.id).execute();
    const after = { ...n, enabled: want };
    await audit(tx, { actor, action: enabled ? "notifier.enable" : "notifier.disable", target_kind: "notifier", target_id: n.id, before: notifierPublic(n), after: notifierPublic(after) });
    return { notifier: after, changed: true };
  });
}

export interface NewDelivery { notifier_id: string; run_id: string | null; attempt: number; outcome: DeliveryOutcome; http_status: number | null; error: string | null }

export async function recordDelivery(db: Db, d: NewDelivery): Promise<Delivery> {
  const row: Delivery = { id: newId(), created_at: Date.now(), ...d };
  await db.insertInto("notifier_deliveries").values(row).execute();
  return row;
}

export interface DeliveryRow extends Delivery { notifier_name: string | null; template: string | null }

/** Oldest first (the order the attempts happened). run_id null = test messages. */
export async function listDeliveries(db: Db, q: { runId?: string; notifierId?: string; limit?: number }): Promise<DeliveryRow[]> {
  let sel = db
    .selectFrom("notifier_deliveries as d")
    .leftJoin("notifiers as n", "n.id", "d.notifier_id")
    .selectAll("d")
    .select(["n.name as notifier_name", "n.template as template"]);
  if (q.runId) sel = sel.where("d.run_id", "=", q.runId);
  if (q.notifierId) sel = sel.where("d.notifier_id", "=", q.notifierId);
  const rows = await sel.orderBy("d.created_at", "desc").orderBy("d.attempt", "desc").limit(q.limit ?? 200).execute();
  return rows.reverse().map((r) => ({ ...r, created_at: Number(r.created_at), attempt: Number(r.attempt), http_status: r.http_status === null ? null : Number(r.http_status) }));
}

export function deliveryJson(r: DeliveryRow) {
  return {
    id: r.id,
    notifier_id: r.notifier_id,
    notifier: r.notifier_name,
    template: r.template,
    run_id: r.run_id,
    attempt: r.attempt,
    outcome: r.outcome,
    http_status: r.http_status,
    error: r.error,
    created_at: new Date(r.created_at).toISOString(),
    created_at_ms: r.created_at,
  };
}
