// Revoked runner certificates (`fangs ca revoke`), keyed by serial number. The
// orchestrator's in-memory RevocationList (tls/revocation.ts) reads the set
// through revokedSerials.
import type { Kysely } from "kysely";
import type { DB } from "./schema.ts";
import { audit } from "./audit.ts";

/** Serial numbers compare as lowercase hex without leading zeros (node prints them upper case). */
export function normalizeSerial(s: string): string {
  return s.trim().toLowerCase().replace(/:/g, "").replace(/^0+(?=.)/, "");
}

export interface Revoked { serial: string; cn: string; revoked_at: number; reason: string | null }

export async function revokeCertificate(db: Kysely<DB>, c: { serial: string; cn: string; reason?: string | null }, actor: string): Promise<{ revoked: Revoked; already: boolean }> {
  const serial = normalizeSerial(c.serial);
  return db.transaction().execute(async (tx) => {
    const prev = await tx.selectFrom("revoked_certs").selectAll().where("serial", "=", serial).executeTakeFirst();
    if (prev) return { revoked: { ...prev, revoked_at: Number(prev.revoked_at) }, already: true };
    const row = { serial, cn: c.cn, revoked_at: Date.now(), reason: c.reason ?? null };
    await tx.insertInto("revoked_certs").values(row).execute();
    await audit(tx, { actor, action: "certificate.revoke", target_kind: "certificate", target_id: serial, after: row });
    return { revoked: row, already: false };
  });
}

export async function listRevoked(db: Kysely<DB>): Promise<Revoked[]> {
  const rows = await db.selectFrom("revoked_certs").selectAll().orderBy("revoked_at", "desc").execute();
  return rows.map((r) => ({ ...r, revoked_at: Number(r.revoked_at) }));
}

export async function revokedSerials(db: Kysely<DB>): Promise<Set<string>> {
  const rows = await db.selectFrom("revoked_certs").select("serial").execute();
  return new Set(rows.map((r) => r.serial));
}
