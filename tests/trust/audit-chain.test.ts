// The audit log is tamper-evident (threat model: an attacker with write access
// to the database edits or deletes rows to hide a baseline change). Every row
// is hash-chained to the one before; `verifyAuditChain` names the first broken
// link, and an anchor recorded outside the database (serve logs the head)
// catches even a chain recomputed from scratch. Both backends.
import { expect, test } from "bun:test";
import { sql } from "kysely";
import { eachBackend } from "../store/backends.ts";
import { audit } from "../../src/store/audit.ts";
import { auditHead, chainHash, verifyAuditChain } from "../../src/store/audit_chain.ts";
import type { Store } from "../../src/store/index.ts";

async function write(db: Store, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await audit(db, { actor: "cli:root@h", action: i % 2 ? "allow.add" : "baseline.promote", target_kind: i % 2 ? "allowlist" : "baseline", target_id: `t${i}`, after: { i } });
  }
}

/** What an attacker who read audit_chain.ts does after editing a row: recompute every hash after it, and the head. */
async function recomputeChain(db: Store): Promise<void> {
  const rows = await db.selectFrom("audit_log").selectAll().where("seq", "is not", null).orderBy("seq").execute();
  let prev = "";
  for (const r of rows) {
    const hash = chainHash({ ...r, at: Number(r.at), seq: Number(r.seq), prev_hash: prev });
    await db.updateTable("audit_log").set({ prev_hash: prev, hash }).where("id", "=", r.id).execute();
    prev = hash;
  }
  await db.updateTable("audit_head").set({ hash: prev }).where("id", "=", 1).execute();
}

eachBackend("audit chain", (open) => {
  test("an untouched log verifies, with its head", async () => {
    const db = await open();
    await write(db, 5);
    const r = await verifyAuditChain(db);
    expect(r).toMatchObject({ ok: true, rows: 5, unchained: 0 });
    expect(r.head).toEqual(await auditHead(db));
    expect(r.head.seq).toBe(5);
    expect(r.head.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  test("an edited row is caught at that row", async () => {
    const db = await open();
    await write(db, 5);
    const third = await db.selectFrom("audit_log").select("id").where("seq", "=", 3).executeTakeFirstOrThrow();
    await db.updateTable("audit_log").set({ after: JSON.stringify({ i: 99 }) }).where("id", "=", third.id).execute();
    const r = await verifyAuditChain(db);
    expect(r.ok).toBe(false);
    expect(r.broken).toEqual({ seq: 3, id: third.id, reason: expect.stringContaining("edited") });
    expect(r.rows).toBe(2);
  });

  test("a deleted row, a deleted newest row and a planted unchained row are each caught", async () => {
    const db = await open();
    await write(db, 4);
    await db.deleteFrom("audit_log").where("seq", "=", 2).execute();
    expect((await verifyAuditChain(db)).broken).toMatchObject({ seq: 2, reason: expect.stringContaining("missing") });

    const db2 = await open();
    await write(db2, 4);
    await db2.deleteFrom("audit_log").where("seq", "=", 4).execute();
    expect((await verifyAuditChain(db2)).broken).toMatchObject({ seq: 4, reason: expect.stringContaining("newest rows deleted") });

    const db3 = await open();
    await write(db3, 2);
    await db3.insertInto("audit_log").values({ id: "feedfacefeedface", at: 1, actor: "cli:x", action: "baseline.promote", target_kind: "baseline", target_id: "r", before: null, after: null, seq: null, prev_hash: null, hash: null }).execute();
    expect((await verifyAuditChain(db3)).broken).toMatchObject({ reason: expect.stringContaining("without a hash") });
  });

  test("a chain recomputed after an edit passes alone but fails against the anchor serve logged", async () => {
    const db = await open();
    await write(db, 3);
    const anchor = await auditHead(db); // what serve printed to its log at start
    await write(db, 2);
    await db.updateTable("audit_log").set({ after: JSON.stringify({ i: "rewritten" }) }).where("seq", "=", 2).execute();
    await recomputeChain(db);
    expect((await verifyAuditChain(db)).ok).toBe(true);
    const r = await verifyAuditChain(db, anchor);
    expect(r.broken).toMatchObject({ seq: 3, reason: expect.stringContaining("rewritten") });

    // Truncating back to before the anchor is caught too.
    await db.deleteFrom("audit_log").where("seq", ">=", 3).execute();
    await recomputeChain(db);
    await db.updateTable("audit_head").set({ seq: 2 }).where("id", "=", 1).execute();
    expect((await verifyAuditChain(db)).ok).toBe(true);
    expect((await verifyAuditChain(db, anchor)).broken).toMatchObject({ seq: 3, reason: expect.stringContaining("truncated") });
  });

  test("concurrent writers never fork the chain", async () => {
    const db = await open();
    await Promise.all(Array.from({ length: 8 }, (_, w) => (async () => {
      for (let i = 0; i < 10; i++) await audit(db, { actor: `runner:w${w}`, action: "run.claim", target_kind: "run", target_id: `${w}-${i}`, after: { i } });
    })()));
    const r = await verifyAuditChain(db);
    expect(r).toMatchObject({ ok: true, rows: 80 });
    const seqs = await db.selectFrom("audit_log").select(sql<number>`count(distinct seq)`.as("n")).executeTakeFirstOrThrow();
    expect(Number(seqs.n)).toBe(80);
  });
});
