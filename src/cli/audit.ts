// `fangs audit`: read the append-only log of mutations (baselines, allowlists,
// notifiers, packages, runs), newest first. `fangs audit verify` walks its
// hash chain instead and names the first broken link (exit 1 when broken).
import { command, JSON_ARG } from "./command.ts";
import { FangsError } from "../core/errors.ts";
import { AUDIT_TARGETS, listAudit } from "../store/audit.ts";
import { verifyAuditChain, type ChainReport } from "../store/audit_chain.ts";
import { printJson, printListing, iso } from "./output.ts";
import { intFlag } from "./flags.ts";

export const MAX_AUDIT_LIMIT = 10_000;

export function parseLimit(raw: unknown, dflt = 50): number {
  return intFlag(raw, { name: "limit", min: 1, max: MAX_AUDIT_LIMIT, example: 50 }) ?? dflt;
}

export function parseTargetKind(raw: unknown): string | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (!AUDIT_TARGETS.includes(raw as never)) throw new FangsError(`unknown -target-kind ${JSON.stringify(raw)}`, { hint: `one of: ${AUDIT_TARGETS.join(", ")}` });
  return raw as string;
}

/** -anchor SEQ:HASH, a chain head recorded elsewhere (serve's start-up log line). */
export function parseAnchor(raw: unknown): { seq: number; hash: string } | undefined {
  if (raw === undefined || raw === "") return undefined;
  const m = /^(\d{1,15}):([0-9a-f]{64})$/.exec(String(raw));
  if (!m) throw new FangsError(`-anchor must be SEQ:HASH as fangs serve logs it (got ${JSON.stringify(raw)})`, { hint: "fangs audit verify -anchor 42:<64 hex digits>" });
  return { seq: Number(m[1]), hash: m[2]! };
}

function printChain(r: ChainReport): void {
  const head = `head ${r.head.seq}:${r.head.hash || "-"}`;
  const legacy = r.unchained ? `, ${r.unchained} older rows predate the chain` : "";
  if (r.ok) console.log(`audit chain intact: ${r.rows} rows${legacy}; ${head}`);
  else console.log(`audit chain BROKEN at row ${r.broken!.seq}${r.broken!.id ? ` (id ${r.broken!.id})` : ""}: ${r.broken!.reason}; ${r.rows} rows verified before it`);
}

export default command({
  meta: { name: "audit", description: "show the audit log of mutations (who changed what, before/after)" },
  args: {
    action: { type: "positional", required: false, description: "verify: check the audit log's hash chain instead of listing it" },
    anchor: { type: "string", description: "with verify: SEQ:HASH of a chain head recorded earlier (fangs serve logs it at start)" },
    "target-kind": { type: "string", description: `only this kind: ${AUDIT_TARGETS.join(" | ")}` },
    target: { type: "string", description: "only this target id (package name, run id, allowlist id…)" },
    limit: { type: "string", description: "newest N rows (default 50)" },
    ...JSON_ARG,
  },
  async run(ctx) {
    const action = ctx.args.action;
    if (action === "verify") {
      const r = await verifyAuditChain(await ctx.store(), parseAnchor(ctx.args.anchor));
      if (ctx.args.json) printJson(r);
      else printChain(r);
      if (!r.ok) process.exitCode = 1;
      return;
    }
    if (action !== undefined && action !== "") throw new FangsError(`unknown audit action ${JSON.stringify(action)}`, { hint: "fangs audit [verify]" });
    if (ctx.args.anchor) throw new FangsError("-anchor goes with fangs audit verify", { hint: "fangs audit verify -anchor SEQ:HASH" });
    const q = { targetKind: parseTargetKind(ctx.args["target-kind"]), targetId: ctx.args.target || undefined, limit: parseLimit(ctx.args.limit) };
    const rows = await listAudit(await ctx.store(), q);
    const short = (x: unknown) => (x === null || x === undefined ? "-" : JSON.stringify(x).slice(0, 60));
    printListing(ctx.args.json, rows, {
      json: (r) => ({ ...r, at: iso(r.at) }),
      head: ["AT", "ACTOR", "ACTION", "TARGET", "BEFORE", "AFTER"],
      cells: (r) => [iso(r.at), r.actor, r.action, `${r.target_kind}:${r.target_id}`, short(r.before), short(r.after)],
      empty: "(no audit entries)",
    });
  },
});
