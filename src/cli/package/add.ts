// `fangs package add NAME`: validate against the registry, record
// dist-tags.latest as last_seen_version, queue the kickoff scan.
import * as v from "valibot";
import { command, JSON_ARG } from "../command.ts";
import { FangsError } from "../../core/errors.ts";
import { cliActor } from "../../store/audit.ts";
import { addPackage, packageNameError } from "../../store/packages.ts";
import { enqueueScan } from "../../store/runs.ts";
import { fetchPackument } from "../../registry/npm.ts";
import { NETWORK_MODE, SandboxSpec } from "../../protocol/sandbox.ts";
import { printJson, safe } from "../output.ts";

export default command({
  meta: { name: "add", description: "watch a package: validate it on the registry and queue a kickoff scan of its latest version" },
  args: {
    name: { type: "positional", description: "npm package name", required: true },
    "skip-registry-validate": { type: "boolean", description: "do not ask the registry (offline tests, private fake registries)" },
    "skip-initial-scan": { type: "boolean", description: "do not queue the kickoff scan" },
    version: { type: "string", description: "kickoff version (default: dist-tags.latest)" },
    registry: { type: "string", description: "npm registry to validate against (default: config registry / FANGS_REGISTRY)" },
    "registry-url": { type: "string", description: "npm registry the kickoff scan's sandbox installs from" },
    network: { type: "string", description: "kickoff sandbox network: bridge, none or container:<name>" },
    ...JSON_ARG,
  },
  async run(ctx) {
    const name = String(ctx.args.name);
    const nameErr = packageNameError(name);
    if (nameErr) throw new FangsError(nameErr, { hint: "fangs package add lodash" });
    const spec: Record<string, unknown> = {};
    if (ctx.args.network !== undefined) {
      const r = v.safeParse(NETWORK_MODE, ctx.args.network);
      if (!r.success) throw new FangsError(`bad -network ${JSON.stringify(ctx.args.network)}: use bridge, none or container:<name>`);
      spec.network = r.output;
    }
    if (ctx.args["registry-url"] !== undefined) spec.registry_url = ctx.args["registry-url"];
    const checked = v.safeParse(v.partial(SandboxSpec), spec);
    if (!checked.success) throw new FangsError(`bad sandbox option: ${checked.issues[0].message}`, { hint: "-registry-url http://127.0.0.1:4873/" });

    let version: string | null = ctx.args.version ?? null;
    let latest: string | null = null;
    if (!ctx.args["skip-registry-validate"]) {
      const registry = String(ctx.args.registry ?? ctx.config().registry);
      const r = await fetchPackument(registry, name);
      if (r.status === "not_found") throw new FangsError(`package ${name} does not exist on ${registry}`, { hint: "check the spelling; for private registries set -registry / FANGS_REGISTRY" });
      if (r.status !== "ok") throw new FangsError(`registry ${registry} gave no packument for ${name}`);
      latest = r.packument["dist-tags"].latest ?? null;
      if (!latest) throw new FangsError(`package ${name} has no dist-tags.latest on ${registry}`);
      if (version !== null && !(version in r.packument.versions)) throw new FangsError(`${name}@${version} does not exist on ${registry}`, { hint: `latest is ${latest}` });
      version ??= latest;
    }
    const actor = cliActor();
    const db = await ctx.store();
    const result = await db.transaction().execute(async (tx) => {
      const pkg = await addPackage(tx, { name, lastSeenVersion: latest ?? version }, actor);
      const run = !ctx.args["skip-initial-scan"] && version
        ? await enqueueScan(tx, { package: name, version, source: "kickoff", spec: checked.output, actor })
        : null;
      return { pkg, run };
    });
    if (ctx.args.json) {
      printJson({ package: name, last_seen_version: result.pkg.last_seen_version, kickoff_run_id: result.run?.id ?? null, kickoff_version: result.run?.version ?? null });
      return;
    }
    console.log(`watching ${safe(name)} (last seen version ${safe(result.pkg.last_seen_version ?? "unknown")})`);
    if (result.run) console.log(`kickoff scan queued: run ${result.run.id} (${safe(name)}@${safe(result.run.version)})`);
    else if (!ctx.args["skip-initial-scan"]) console.log("no kickoff scan: no version known (give -version with -skip-registry-validate)");
  },
});
