// Revoked runner certificates as the orchestrator sees them: `fangs ca
// revoke` writes them (store/revocations.ts, with an audit row), and a
// certificate listed there is refused. Runners authenticate on every request,
// so the orchestrator keeps the (small) set in memory and re-reads it every
// few seconds: a revocation takes effect within REFRESH_MS without a restart.
import type { Kysely } from "kysely";
import type { DB } from "../store/schema.ts";
import { normalizeSerial, revokedSerials } from "../store/revocations.ts";

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
      this.#serials = await revokedSerials(this.db);
      this.#at = this.now();
    } finally {
      this.#loading = undefined;
    }
  }
}
