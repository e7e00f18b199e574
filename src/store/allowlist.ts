// Allowlist entries. CLI/API entries get random ids; entries from
// config/orchestrator.yaml get stable `cfg…` ids derived from their content,
// are re-synced on every start, and disappear when removed from the YAML.
import type { Kysely, Transaction } from "kysely";
import type { AllowEntry, DB } from "./schema.ts";
import { newId, resolvePrefix } from "../core/ids.ts";
import { FangsError } from "../core/errors.ts";
import { audit } from "./audit.ts";
import { allowValueError, normalizeAllowValue, type AllowRule } from "../differ/allow.ts";
import type { ConfigAllowEntry } from "../core/config.ts";

type Db = Kysely<DB> | Transaction<DB>;

export async function listAllow(db: Db, opts: { package?: string } = {}): Promise<AllowEntry[]> {
  let q = db.selectFrom("allowlist").selectAll();
  if (opts.package) q = q.where("package", "=", opts.package);
  return q.orderBy("created_at").orderBy("id").execute();
}

/** Entries that apply to `pkg`: global ones and its own. */
export async function allowRulesFor(db: Db, pkg: string): Promise<AllowRule[]> {
  return db
    .selectFrom("allowlist")
    .select(["kind", "value", "package"])
    .where((eb) => eb.or([eb("package", "is", null), eb("package", "=", pkg)]))
    .execute();
}

export interface NewAllow { kind: string; value: string; package?: string | null; note?: string | null; source?: "cli" | "api" }

export async function addAllow(db: Kysely<DB>, e: NewAllow, actor: string): Promise<AllowEntry> {
  if (!["cidr", "path", "sni"].includes(e.kind)) throw new FangsError(`unknown allowlist kind ${JSON.stringify(e.kind)}`, { hint: "use -kind cidr, path or sni" });
  const err = allowValueError(e.kind, e.value);
  if (err) throw new FangsError(`bad -value: ${err}`);
  const row: AllowEntry = {
    // Stored in the normalized form the fingerprints use (what `allow add` shows).
    id: newId(), kind: e.kind as AllowEntry["kind"], value: normalizeAllowValue(e.kind, e.value), package: e.package || null,
    note: e.note || null, source: e.source ?? "cli", created_at: Date.now(),
  };
  await db.transaction().execute(async (tx) => {
    let dup = tx.selectFrom("allowlist").select("id").where("kind", "=", row.kind).where("value", "=", row.value);
    dup = row.package === null ? dup.where("package", "is", null) : dup.where("package", "=", row.package);
    const same = await dup.executeTakeFirst();
    if (same) throw new FangsError(`${row.kind} ${row.value} is already allowlisted${row.package ? ` for ${row.package}` : ""} (entry ${same.id})`, { hint: "fangs allow list" });
    await tx.insertInto("allowlist").values(row).execute();
    await audit(tx, { actor, action: "allow.add", target_kind: "allowlist", target_id: row.id, after: row });
  });
  return row;
}

export async function findAllowByPrefix(db: Db, prefix: string): Promise<AllowEntry> {
  const rows = await db.selectFrom("allowlist").selectAll().where("id", "like", `${prefix.toLowerCase().replace(/[%_]/g, "")}%`).limit(11).execute();
  return resolvePrefix("allow", prefix, rows);
}

export async function removeAllow(db: Kysely<DB>, prefix: string, actor: string): Promise<AllowEntry> {
  return db.transaction().execute(async (tx) => {
    const e = await findAllowByPrefix(tx, prefix);
    if (e.source === "config") throw new FangsError(`allowlist entry ${e.id} comes from the config file`, { hint: "remove it from config/orchestrator.yaml; it disappears at the next sync" });
    await tx.deleteFrom("allowlist").where("id", "=", e.id).execute();
    await audit(tx, { actor, action: "allow.remove", target_kind: "allowlist", target_id: e.id, before: e });
    return e;
  });
}

/** The stable id of a config entry: `cfg` + a hash of what it says. */
export function configAllowId(e: ConfigAllowEntry): string {
  const h = new Bun.CryptoHasher("sha256").update(`${e.kind}\u0000${e.value}\u0000${e.package ?? ""}`).digest("hex");
  return "cfg" + h.slice(0, 13);
}

/** Make the config-managed rows equal `entries`. Returns what changed. */
export async function syncConfigAllowlist(db: Kysely<DB>, entries: readonly ConfigAllowEntry[], actor = "system:config"): Promise<{ added: string[]; removed: string[] }> {
  for (const e of entries) {
    const err = allowValueError(e.kind, e.value);
    if (err) throw new FangsError(`config allowlist entry ${e.kind}=${e.value}: ${err}`, { hint: "fix config/orchestrator.yaml" });
  }
  const want = new Map(entries.map((e) => [configAllowId(e), e]));
  return db.transaction().execute(async (tx) => {
    const have = await tx.selectFrom("allowlist").selectAll().where("source", "=", "config").execute();
    const haveIds = new Set(have.map((h) => h.id));
    const added: string[] = [];
    const removed: string[] = [];
    for (const h of have) {
      if (want.has(h.id)) continue;
      await tx.deleteFrom("allowlist").where("id", "=", h.id).execute();
      await audit(tx, { actor, action: "allow.remove", target_kind: "allowlist", target_id: h.id, before: h });
      removed.push(h.id);
    }
    for (const [id, e] of want) {
      if (haveIds.has(id)) continue;
      const row = { id, kind: e.kind, value: normalizeAllowValue(e.kind, e.value), package: e.package ?? null, note: e.note ?? null, source: "config" as const, created_at: Date.now() };
      await tx.insertInto("allowlist").values(row).execute();
      await audit(tx, { actor, action: "allow.add", target_kind: "allowlist", target_id: id, after: row });
      added.push(id);
    }
    return { added, removed };
  });
}
