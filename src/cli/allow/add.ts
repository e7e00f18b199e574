import { command, JSON_ARG, need } from "../command.ts";
import { operator } from "../operator.ts";
import { printJson, safe } from "../output.ts";
import { ALLOW_EXAMPLES } from "../../differ/allow.ts";

export default command({
  meta: { name: "add", description: "suppress known-benign behaviour (cidr → destinations, path → files by glob over the normalized path, sni → HTTPS hosts and DNS names)" },
  args: {
    kind: { type: "string", description: "cidr | path | sni" },
    value: { type: "string", description: `e.g. ${ALLOW_EXAMPLES.cidr}, ${ALLOW_EXAMPLES.path} (** any depth, * within a segment, trailing / = dir and below), ${ALLOW_EXAMPLES.sni} (telemetry.example = it and its subdomains); stored normalized` },
    package: { type: "string", description: "only for this package (default: global)" },
    note: { type: "string", description: "why this is benign" },
    ...JSON_ARG,
  },
  async run(ctx) {
    const kind = need(ctx.args.kind, "kind", "fangs allow add -kind cidr -value 10.0.0.0/8 -note internal");
    const value = need(ctx.args.value, "value", `fangs allow add -kind ${kind} -value …`);
    const e = await (await operator(ctx)).allowAdd({ kind, value, package: ctx.args.package, note: ctx.args.note, source: "cli" });
    if (ctx.args.json) printJson(e);
    else {
      console.log(`added allowlist entry ${e.id}: ${e.kind} ${safe(e.value)}${e.package ? ` for ${safe(e.package)}` : " (global)"}`);
      // The stored form is what matches: say so when it differs from what was typed.
      if (e.value !== value.trim()) console.log(`stored as ${safe(e.value)} (normalized like the fingerprints it matches; typed ${safe(value.trim())})`);
    }
  },
});
