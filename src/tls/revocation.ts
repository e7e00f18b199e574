// Revoked runner certificates: `fangs ca revoke` writes them (with an audit
// row), the orchestrator refuses them. Runners authenticate on every request,
// so the orchestrator keeps the (small) set in memory and re-reads it every
// few seconds: a revocation takes effect within REFRESH_MS without a restart.
import type { Kysely } from "kysely";
import type { DB } from "../store/schema.ts";
import { audit } from "../store/audit.ts";

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

export const REFRESH_MS = 5_000;

export class RevocationList {
  #serials = new Set<string>();
  #at = -Infinity;
  #loading: Promise<void> | undefined;
  constructor(private readonly db: Kysely<DB>, private readonly refreshMs = REFRESH_MS, private readonly now = () => performance.now()) {}

  async isRevoked(serial: string | undefined): Promise<boolean> {
    if (this.now() - this.#at >= this.refreshMs) await (this.#loading ??= this.#load());
    return serial !== undefined && this.#serials.has(normalizeSerial(serial));
  }

  async #load(): Promise<void> {
    try {
      const rows = await this.db.selectFrom("revoked_certs").select("serial").execute();
      this.#serials = new Set(rows.map((r) => r.serial));
      this.#at = this.now();
    } finally {
      this.#loading = undefined;
    }
  }
}
