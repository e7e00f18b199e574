// `fangs scan submit -package P -version V`: check P@V exists on the registry
// (unless -skip-registry-validate), POST /v1/scans, print the run id and the
// watch URLs; --wait follows the run until its verdict. A watched package's
// stored settings apply (the orchestrator merges them); flags given here win.
import { hostname } from "node:os";
import { command, JSON_ARG, need } from "../command.ts";
import { FangsError } from "../../core/errors.ts";
import { fetchPackument } from "../../registry/npm.ts";
import { isExactVersion, packageNameError, resolveVersion } from "../../protocol/npm_names.ts";
import { printJson, safe } from "../output.ts";
import type { OrchestratorClient } from "../../client/orchestrator.ts";
import { followRun } from "./follow.ts";
import { submitControl } from "./control.ts";
import { intFlag } from "../flags.ts";

export default command({
  meta: { name: "submit", description: "queue a one-off scan of package@version on the orchestrator" },
  args: {
    package: { type: "string", description: "npm package name" },
    version: { type: "string", description: "exact version to scan" },
    runner: { type: "string", description: "runner id to target (default: this host's runner if alive, else any; 'any' for the first free runner)" },
    duration: { type: "string", description: "sandbox time limit, e.g. 90s (default 60s)" },
    network: { type: "string", description: "sandbox network: bridge, none or container:<name>" },
    "registry-url": { type: "string", description: "npm registry the sandbox installs from" },
    memory: { type: "string", description: "sandbox memory limit in MB (default 512)" },
    "skip-registry-validate": { type: "boolean", description: "do not check package@version on the registry first" },
    wait: { type: "boolean", description: "follow the run until it has a verdict" },
    control: { type: "string", description: "PACKAGE: re-scan its last baseline release now on the runner and spec of its newest suspect run (-run PREFIX to pick it), shown beside it" },
    run: { type: "string", description: "with -control: the suspect run (id prefix)" },
    ...JSON_ARG,
  },
  async run(ctx) {
    const a = ctx.args;
    if (a.control !== undefined) return submitControl(ctx.orchestrator(), String(a.control), { json: a.json, wait: a.wait, run: a.run });
    const pkg = need(a.package, "package", "fangs scan submit -package axios -version 1.7.7");
    const asked = need(a.version, "version", "fangs scan submit -package axios -version 1.7.7");
    const nameErr = packageNameError(pkg);
    if (nameErr) throw new FangsError(nameErr, { hint: "npm package names: lowercase letters, digits, - . _ and one @scope/, e.g. -package @types/node" });
    const client = ctx.orchestrator();
    const base = client.base;
    const cfg = ctx.config();
    // A run records the exact version it installed: a tag (latest) or a
    // range (^1.2) is resolved on the registry first.
    let version = asked;
    if (!a["skip-registry-validate"]) {
      // A watched package is validated where its scans install from (its own
      // registry, as the orchestrator reports it), never the public default.
      const registry = String(a["registry-url"] ?? (await client.getPackage(pkg))?.registry ?? cfg.registry);
      const r = await fetchPackument(registry, pkg);
      if (r.status === "not_found") throw new FangsError(`package ${pkg} does not exist on ${registry}`, { hint: "check the spelling, or -skip-registry-validate for private fake registries" });
      if (r.status === "ok") {
        const exact = resolveVersion(r.packument, asked);
        if (exact === undefined) {
          throw new FangsError(`${pkg}@${safe(asked)} does not exist on ${registry}`, { hint: `latest is ${r.packument["dist-tags"].latest ?? "unknown"}; or -skip-registry-validate` });
        }
        version = exact;
        if (exact !== asked && !a.json) process.stderr.write(`resolved ${safe(pkg)}@${safe(asked)} to ${safe(exact)} on ${registry}\n`);
      }
    } else if (!isExactVersion(asked)) {
      throw new FangsError(`-version ${JSON.stringify(asked.slice(0, 80))} is not an exact version, and -skip-registry-validate leaves no registry to resolve it on`, { hint: "give the exact version, e.g. -version 1.2.3" });
    }
    const memory = intFlag(a.memory, { name: "memory", min: 64, max: 65536, example: 1024 });
    const runner = a.runner === "any" ? null : (a.runner ?? (await defaultRunner(client)));
    const body = {
      package: pkg,
      version,
      runner,
      ...(a.duration !== undefined && { duration: a.duration }),
      ...(a.network !== undefined && { network: a.network }),
      ...(a["registry-url"] !== undefined && { registry_url: a["registry-url"] }),
      ...(memory !== undefined && { memory_mb: memory }),
    };
    const res = await client.submitScan(body);
    const urls = { api: base + res.urls.api, ui: base + res.urls.ui };
    if (!a.wait) {
      if (a.json) printJson({ run_id: res.run_id, status: res.status, package: pkg, version, requested_version: asked, runner: runner, warning: res.warning, urls });
      else {
        console.log(`queued run ${res.run_id} (${safe(pkg)}@${safe(version)}${runner ? ` on runner ${safe(runner)}` : ""})`);
        console.log(`  watch: ${urls.ui}`);
        console.log(`  api:   ${urls.api}`);
        if (res.warning) process.stderr.write(`warning: ${res.warning}\n`);
      }
      return;
    }
    if (res.warning) process.stderr.write(`warning: ${res.warning}\n`);
    if (!a.json) console.log(`queued run ${res.run_id}; watch: ${urls.ui}`);
    const run = await followRun(client, res.run_id, !a.json);
    if (a.json) printJson({ run_id: res.run_id, urls, run });
  },
});

/** The manual's default target is this host's runner; when no runner by that
 * name is alive, the scan goes to the first free runner instead of waiting
 * for one that may never come (said on stderr). */
async function defaultRunner(client: OrchestratorClient): Promise<string | null> {
  const me = hostname();
  if ((await client.listRunners()).some((r) => r.id === me && r.alive)) return me;
  process.stderr.write(`note: no live runner named ${safe(me)}; the scan goes to the first free runner (-runner ID to pin one)\n`);
  return null;
}
