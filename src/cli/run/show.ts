import { hexIdPrefix } from "../../core/ids.ts";
import { command, JSON_ARG } from "../command.ts";
import { RUN_ARG } from "../args.ts";
import { findRunByPrefix } from "../../store/runs.ts";
import { printJson, safe } from "../output.ts";
import { runJson } from "../../protocol/api.ts";
import { exitReason } from "../../protocol/sandbox.ts";
import { rescanCommand } from "../../store/pending.ts";
import type { Outlived } from "../../differ/outlived.ts";

/** What the install (or import) left running, each with who made it. */
function printOutlived(list: readonly Outlived[]): void {
  if (!list.length) return;
  console.log(`\noutlived (still running after npm, or the import loader, exited; stopped when quiet or at the duration):`);
  for (const p of list) {
    const end = p.signal ? `killed by signal ${p.signal}` : `exit ${p.exit_code}`;
    console.log(`  ${p.phase.padEnd(7)} pid ${p.pid} +${(p.after_ms / 1000).toFixed(1)}s ${end}  ${safe(p.actor)}  ${safe([p.exe, ...p.argv.slice(1)].join(" "))}`);
    if (p.lineage.length) console.log(`          made by: ${p.lineage.map((l) => safe([l.exe, ...l.argv.slice(1)].join(" ").slice(0, 120))).join("  <-  ")}`);
  }
}

const STATUS_MEANING: Record<string, string> = {
  queued: "waiting for a runner to claim it",
  running: "claimed, the sandbox is installing",
  finished: "the install ran to its end; the differ compared it",
  timed_out: "the install reached the duration limit and was stopped; what it did until then was compared",
  failed: "the run did not complete (see failure_reason)",
};

export default command({
  meta: { name: "show", description: "one run in full" },
  args: { ...RUN_ARG, ...JSON_ARG },
  async run(ctx) {
    const remote = ctx.remote();
    // GET /v1/runs/:id takes a prefix as the database lookup does, with the same errors.
    const r = remote ? await remote.getRun(hexIdPrefix("run", String(ctx.args.run))) : runJson(await findRunByPrefix(await ctx.store(), String(ctx.args.run)));
    if (ctx.args.json) {
      printJson(r);
      return;
    }
    // Status and exit code read with their meaning: timed out, failed and finished must not look alike.
    const meaning: Record<string, string | null> = { status: STATUS_MEANING[r.status] ?? null, exit_code: exitReason(r.exit_code, r.status) };
    // For people: the ISO times (not their _ms twins) and no API/UI paths.
    for (const [k, v] of Object.entries(r).filter(([k]) => !k.endsWith("_ms") && k !== "urls" && k !== "outlived")) {
      const text = v !== null && typeof v === "object" ? JSON.stringify(v) : String(v ?? "-");
      console.log(`${k.padEnd(18)} ${safe(text)}${meaning[k] ? ` (${meaning[k]})` : ""}`);
    }
    printOutlived(r.outlived as Outlived[]);
    if (r.verdict === "incomplete") {
      console.log(`\nevidence incomplete (the verdict is not trusted: no baseline change, never auto-promoted):`);
      for (const i of r.evidence.issues) console.log(`  - ${safe(i)}`);
      console.log(`re-scan with: ${safe(rescanCommand(r.package, r.version))}`);
    }
    if (r.deviation_count > 0 && !r.is_baseline) console.log(`\nsee: fangs deviation list -run ${r.id.slice(0, 12)}`);
  },
});
