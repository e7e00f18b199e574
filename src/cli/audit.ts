// `fangs audit`: read the append-only log of mutations (baselines, allowlists,
// notifiers, packages, runs), newest first.
import { command, JSON_ARG } from "./command.ts";
import { FangsError } from "../core/errors.ts";
import { AUDIT_TARGETS, listAudit } from "../store/audit.ts";
import { printJson, printTable, iso } from "./output.ts";

export const MAX_AUDIT_LIMIT = 10_000;

export function parseLimit(raw: unknown, dflt = 50): number {
  if (raw === undefined || raw === "") return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_AUDIT_LIMIT) throw new FangsError(`-limit must be a whole number from 1 to ${MAX_AUDIT_LIMIT} (got ${JSON.stringify(raw)})`);
  return n;
}

export function parseTargetKind(raw: unknown): string | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (!AUDIT_TARGETS.includes(raw as never)) throw new FangsError(`unknown -target-kind ${JSON.stringify(raw)}`, { hint: `one of: ${AUDIT_TARGETS.join(", ")}` });
  return raw as string;
}

export default command({
  meta: { name: "audit", description: "show the audit log of mutations (who changed what, before/after)" },
  args: {
    "target-kind": { type: "string", description: `only this kind: ${AUDIT_TARGETS.join(" | ")}` },
    target: { type: "string", description: "only this target id (package name, run id, allowlist id…)" },
    limit: { type: "string", description: "newest N rows (default 50)" },
    ...JSON_ARG,
  },
  async run(ctx) {
    const q = { targetKind: parseTargetKind(ctx.args["target-kind"]), targetId: ctx.args.target || undefined, limit: parseLimit(ctx.args.limit) };
    const rows = await listAudit(await ctx.store(), q);
    if (ctx.args.json) return printJson(rows.map((r) => ({ ...r, at: iso(r.at) })));
    const short = (x: unknown) => (x === null || x === undefined ? "-" : JSON.stringify(x).slice(0, 60));
    printTable(
      ["AT", "ACTOR", "ACTION", "TARGET", "BEFORE", "AFTER"],
      rows.map((r) => [iso(r.at), r.actor, r.action, `${r.target_kind}:${r.target_id}`, short(r.before), short(r.after)]),
      "(no audit entries)",
    );
  },
});
