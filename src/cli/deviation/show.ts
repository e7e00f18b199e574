// `fangs deviation show ID`: the finding and the full kernel event behind it.
import { command, JSON_ARG } from "../command.ts";
import { findDeviationByPrefix, getDeviation } from "../../store/deviations.ts";
import { printJson, safe } from "../output.ts";
import { deviationJson } from "../../protocol/api.ts";

export default command({
  meta: { name: "show", description: "a deviation with the full evidence event JSON" },
  args: { id: { type: "positional", description: "deviation id or unique prefix", required: true }, ...JSON_ARG },
  async run(ctx) {
    const db = await ctx.store();
    const d = await findDeviationByPrefix(db, String(ctx.args.id));
    const full = (await getDeviation(db, d.id))!;
    if (ctx.args.json) {
      printJson({ ...deviationJson(full.deviation), evidence: full.evidence, evidence_pinned: full.pinned });
      return;
    }
    const j = deviationJson(full.deviation);
    for (const k of ["id", "run_id", "package", "severity", "category", "actor", "value", "reason", "evidence_seq", "detected_at", "cleared"] as const) {
      console.log(`${k.padEnd(13)} ${safe(j[k])}`);
    }
    if (full.evidence) {
      // The process lineage, acting process first: who did it, on whose behalf.
      const e = full.evidence;
      const chain = [{ pid: e.pid, comm: e.comm, exe: e.exe }, ...e.ancestry];
      console.log(`lineage       ${chain.map((a) => `${a.pid} ${safe(a.comm)}${a.exe ? ` (${safe(a.exe)})` : ""}`).join(" <- ")}`);
    }
    console.log("evidence:");
    console.log(full.evidence ? terminalJson(full.evidence) : "(evidence event no longer stored)");
  },
});

/** JSON.stringify escapes C0 controls; also escape C1 and bidi overrides for the terminal. */
function terminalJson(v: unknown): string {
  return JSON.stringify(v, null, 2).replace(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}
