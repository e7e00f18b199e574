// `fangs package add NAME`: validate against the package's registry (its
// -registry-url, else the configured one), record dist-tags.latest as
// last_seen_version and the scan settings, queue the kickoff scan (which runs
// with those settings).
import { command, JSON_ARG } from "../command.ts";
import { FangsError } from "../../core/errors.ts";
import { packageNameError } from "../../protocol/npm_names.ts";
import { operator } from "../operator.ts";
import { printJson, safe } from "../output.ts";
import { SETTINGS_ARGS, settingsCell, settingsFromFlags } from "./settings.ts";

export default command({
  meta: { name: "add", description: "watch a package: validate it on its registry, store its scan settings, queue a kickoff scan of its latest version" },
  args: {
    name: { type: "positional", description: "npm package name", required: true },
    "skip-registry-validate": { type: "boolean", description: "do not ask the registry (offline tests, private fake registries)" },
    "skip-initial-scan": { type: "boolean", description: "do not queue the kickoff scan" },
    version: { type: "string", description: "kickoff version (default: dist-tags.latest)" },
    ...SETTINGS_ARGS,
    ...JSON_ARG,
  },
  async run(ctx) {
    const name = String(ctx.args.name);
    const nameErr = packageNameError(name);
    if (nameErr) throw new FangsError(nameErr, { hint: "fangs package add lodash" });
    const req = { name, version: ctx.args.version ?? null, settings: settingsFromFlags(ctx.args), skip_registry_validate: ctx.args["skip-registry-validate"] === true, skip_initial_scan: ctx.args["skip-initial-scan"] === true };
    const r = await (await operator(ctx)).watchPackage(req);
    const { settings, registry } = r;
    if (ctx.args.json) {
      printJson({ package: name, last_seen_version: r.last_seen_version, settings, registry, kickoff_run_id: r.kickoff_run_id, kickoff_version: r.kickoff_version });
      return;
    }
    console.log(`watching ${safe(name)} (last seen version ${safe(r.last_seen_version ?? "unknown")}; polled on and installed from ${safe(registry)}; scan settings: ${safe(settingsCell(settings))})`);
    if (r.kickoff_run_id) console.log(`kickoff scan queued: run ${r.kickoff_run_id} (${safe(name)}@${safe(r.kickoff_version)})`);
    else if (!ctx.args["skip-initial-scan"]) console.log("no kickoff scan: no version known (give -version with -skip-registry-validate)");
  },
});
