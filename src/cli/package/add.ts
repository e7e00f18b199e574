// `fangs package add NAME`: validate against the package's registry (its
// -registry-url, else the configured one), record dist-tags.latest as
// last_seen_version and the scan settings, queue the kickoff scan (which runs
// with those settings).
import { command, JSON_ARG } from "../command.ts";
import { FangsError } from "../../core/errors.ts";
import { cliActor } from "../../store/audit.ts";
import { addPackage, packageNameError } from "../../store/packages.ts";
import { enqueueScan } from "../../store/runs.ts";
import { fetchPackument } from "../../registry/npm.ts";
import { packageRegistry } from "../../protocol/package_settings.ts";
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
    const settings = settingsFromFlags(ctx.args);
    const defaultRegistry = String(ctx.config().registry);
    const registry = packageRegistry(defaultRegistry, settings);

    let version: string | null = ctx.args.version ?? null;
    let latest: string | null = null;
    if (!ctx.args["skip-registry-validate"]) {
      const r = await fetchPackument(registry, name);
      if (r.status === "not_found") throw new FangsError(`package ${name} does not exist on ${registry}`, { hint: "check the spelling; for a private registry give -registry-url URL" });
      if (r.status !== "ok") throw new FangsError(`registry ${registry} gave no packument for ${name}`);
      latest = r.packument["dist-tags"].latest ?? null;
      if (!latest) throw new FangsError(`package ${name} has no dist-tags.latest on ${registry}`);
      if (version !== null && !(version in r.packument.versions)) throw new FangsError(`${name}@${version} does not exist on ${registry}`, { hint: `latest is ${latest}` });
      version ??= latest;
    }
    const actor = cliActor();
    const db = await ctx.store();
    const result = await db.transaction().execute(async (tx) => {
      const pkg = await addPackage(tx, { name, lastSeenVersion: latest ?? version, settings }, actor);
      const run = !ctx.args["skip-initial-scan"] && version
        ? await enqueueScan(tx, { package: name, version, source: "kickoff", defaultRegistry, actor })
        : null;
      return { pkg, run };
    });
    if (ctx.args.json) {
      printJson({ package: name, last_seen_version: result.pkg.last_seen_version, settings, registry, kickoff_run_id: result.run?.id ?? null, kickoff_version: result.run?.version ?? null });
      return;
    }
    console.log(`watching ${safe(name)} (last seen version ${safe(result.pkg.last_seen_version ?? "unknown")}; polled on and installed from ${safe(registry)}; scan settings: ${safe(settingsCell(settings))})`);
    if (result.run) console.log(`kickoff scan queued: run ${result.run.id} (${safe(name)}@${safe(result.run.version)})`);
    else if (!ctx.args["skip-initial-scan"]) console.log("no kickoff scan: no version known (give -version with -skip-registry-validate)");
  },
});
