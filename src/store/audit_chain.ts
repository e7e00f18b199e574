// The audit log's hash chain (migration 0007_audit_chain): each row's hash
// covers the previous row's hash and its own content, so editing, inserting
// or deleting a row breaks every link after it. verifyAuditChain walks the
// chain in seq order, a page at a time, and names the first broken link.
// An attacker who can write the database can also recompute the whole chain;
// `fangs serve` logs the head (seq and hash) at start, and
// `fangs audit verify -anchor SEQ:HASH` checks a head recorded elsewhere is
// still in the chain — that catches a rewrite and a truncated tail.
import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import type { AuditLogTable, DB } from "./schema.ts";

/** What a row's hash covers: all of it, with its place in the chain. */
export type ChainedContent = Omit<AuditLogTable, "seq" | "prev_hash" | "hash"> & { seq: number; prev_hash: string };

export function chainHash(r: ChainedContent): string {
  const content = JSON.stringify([r.prev_hash, r.seq, r.id, r.at, r.actor, r.action, r.target_kind, r.target_id, r.before, r.after]);
  return createHash("sha256").update(content).digest("hex");
}

export interface ChainBreak { seq: number; id: string | null; reason: string }

export interface ChainReport {
  ok: boolean;
  /** Chained rows checked. */
  rows: number;
  /** Rows written before the chain existed (no hash). */
  unchained: number;
  head: { seq: number; hash: string };
  broken?: ChainBreak;
}

const PAGE = 1000;

/** The newest chained row's seq and hash (serve logs it: an anchor kept outside the database). */
export async function auditHead(db: Kysely<DB>): Promise<{ seq: number; hash: string }> {
  const h = await db.selectFrom("audit_head").select(["seq", "hash"]).where("id", "=", 1).executeTakeFirstOrThrow();
  return { seq: Number(h.seq), hash: h.hash };
}

export async function verifyAuditChain(db: Kysely<DB>, anchor?: { seq: number; hash: string }): Promise<ChainReport> {
  const head = await db.selectFrom("audit_head").select(["seq", "hash", "unchained"]).where("id", "=", 1).executeTakeFirst();
  if (!head) return { ok: false, rows: 0, unchained: 0, head: { seq: 0, hash: "" }, broken: { seq: 0, id: null, reason: "the chain head row is missing" } };
  const { n: unchained } = await db.selectFrom("audit_log").select((eb) => eb.fn.countAll<number>().as("n")).where("seq", "is", null).executeTakeFirstOrThrow();
  const report = (rows: number, broken?: ChainBreak): ChainReport => ({ ok: !broken, rows, unchained: Number(unchained), head: { seq: Number(head.seq), hash: head.hash }, ...(broken ? { broken } : {}) });
  if (Number(unchained) !== Number(head.unchained)) {
    return report(0, { seq: 0, id: null, reason: `${unchained} rows without a hash, but ${head.unchained} existed when the chain began (rows added or deleted outside the chain)` });
  }
  let prev = "";
  let expect = 1;
  let anchorSeen = !anchor || anchor.seq === 0;
  for (;;) {
    const page = await db.selectFrom("audit_log").selectAll().where("seq", ">=", expect).orderBy("seq").limit(PAGE).execute();
    for (const r of page) {
      const seq = Number(r.seq);
      if (seq !== expect) return report(expect - 1, { seq: expect, id: null, reason: `row ${expect} is missing (deleted)` });
      if (r.prev_hash !== prev) return report(expect - 1, { seq, id: r.id, reason: "its link to the previous row does not match (a row before it was replaced)" });
      const want = chainHash({ ...r, at: Number(r.at), seq, prev_hash: prev });
      if (r.hash !== want) return report(expect - 1, { seq, id: r.id, reason: "its content does not match its hash (edited)" });
      if (anchor && seq === anchor.seq) {
        if (r.hash !== anchor.hash) return report(expect - 1, { seq, id: r.id, reason: `its hash differs from the anchor ${anchor.seq}:${anchor.hash.slice(0, 16)}… (the chain was rewritten)` });
        anchorSeen = true;
      }
      prev = r.hash!;
      expect++;
    }
    if (page.length < PAGE) break;
  }
  const last = expect - 1;
  if (Number(head.seq) !== last || head.hash !== prev) {
    return report(last, { seq: Number(head.seq), id: null, reason: `the head records row ${head.seq} but the chain ends at row ${last} (newest rows deleted)` });
  }
  if (!anchorSeen) return report(last, { seq: anchor!.seq, id: null, reason: `the anchor row ${anchor!.seq} is not in the chain (the log was truncated)` });
  return report(last);
}
