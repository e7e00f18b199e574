import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openMigrated, type Store } from "../store/index.ts";
import { listAudit } from "../store/audit.ts";
import { RevocationList } from "./revocation.ts";
import { normalizeSerial, revokeCertificate, listRevoked } from "../store/revocations.ts";

let dir: string;
let db: Store;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "fangs-revoke-"));
  db = await openMigrated(join(dir, "f.db"));
});
afterAll(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

test.each([["0A1B", "a1b"], ["00:0a:1b", "a1b"], ["7F3A", "7f3a"], ["0", "0"]])("normalizeSerial(%p) = %p", (raw, want) => {
  expect(normalizeSerial(raw)).toBe(want);
});

test("revoke once (audited), twice is a no-op; the list refreshes after its TTL", async () => {
  let now = 0;
  const list = new RevocationList(db, 5_000, () => now);
  expect(await list.isRevoked("7F3A")).toBe(false);
  const r = await revokeCertificate(db, { serial: "7F3A", cn: "scan-01", reason: "host compromised" }, "cli:test");
  expect(r.already).toBe(false);
  expect((await revokeCertificate(db, { serial: "7f3a", cn: "scan-01" }, "cli:test")).already).toBe(true);
  expect((await listRevoked(db)).map((x) => [x.serial, x.cn, x.reason])).toEqual([["7f3a", "scan-01", "host compromised"]]);
  const rows = await listAudit(db, { targetKind: "certificate" });
  expect(rows.map((x) => [x.action, x.target_id])).toEqual([["certificate.revoke", "7f3a"]]);

  expect(await list.isRevoked("7F3A")).toBe(false); // cached until the TTL passes
  now = 5_000;
  expect(await list.isRevoked("7F3A")).toBe(true);
  expect(await list.isRevoked("07f3a")).toBe(true);
  expect(await list.isRevoked("7f3b")).toBe(false);
  expect(await list.isRevoked(undefined)).toBe(false);
});
