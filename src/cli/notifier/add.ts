import { command, JSON_ARG, need } from "../command.ts";
import { operator } from "../operator.ts";
import { printJson, safe } from "../output.ts";
import { parseEnabled } from "./flags.ts";

export default command({
  meta: { name: "add", description: "add a webhook target fired once for every run with ≥1 deviation" },
  args: {
    name: { type: "string", description: "unique name, e.g. soc-slack" },
    url: { type: "string", description: "https:// webhook URL (http:// only to loopback, for testing)" },
    template: { type: "string", description: "slack | discord | generic" },
    "secret-env": { type: "string", description: "env var NAME holding the HMAC secret (generic targets only)" },
    "min-severity": { type: "string", description: "only fire when ≥1 deviation has severity ≥ this (info|low|medium|high|critical)" },
    headers: { type: "string", description: "extra HTTP headers as a JSON object, e.g. '{\"X-Team\":\"soc\"}'" },
    enabled: { type: "string", description: "-enabled=false adds it disabled" },
    ...JSON_ARG,
  },
  async run(ctx) {
    const ex = "fangs notifier add -name soc-slack -url 'https://hooks.slack.com/services/…' -template slack";
    const req = {
      name: need(ctx.args.name, "name", ex),
      url: need(ctx.args.url, "url", ex),
      template: need(ctx.args.template, "template", ex.replace(/-template slack$/, "-template slack|discord|generic")),
      secret_env: ctx.args["secret-env"],
      min_severity: ctx.args["min-severity"],
      headers: ctx.args.headers,
      enabled: parseEnabled(ctx.args.enabled),
    };
    const p = await (await operator(ctx)).notifierAdd(req);
    if (ctx.args.json) return printJson(p);
    console.log(`added notifier ${safe(p.name)} (${p.template} → ${safe(p.url)})${p.enabled ? "" : ", disabled"}${p.min_severity ? `, min severity ${p.min_severity}` : ""}${p.secret_env ? `, signed with $${p.secret_env}` : ""}`);
    console.log(`check it with: fangs notifier test ${safe(p.name)}`);
  },
});
