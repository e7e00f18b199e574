// `fangs package import <lockfile>`: watch every package of the closure a
// lockfile installs. The file is read and parsed here, where the operator
// runs the command (any hostile name refuses the whole file); the package set
// then goes to the service (src/service/package_import.ts: look up on the
// registry with progress on stderr → decide added / already watched /
// skipped / left → persist in ONE transaction), on the database or, with
// -orchestrator URL, through POST /v1/packages/import. Same summary either way.
import { resolve } from "node:path";
import { command, JSON_ARG } from "../command.ts";
import { operator } from "../operator.ts";
import { readLockfile, type Lockfile } from "../../lockfile/index.ts";
import type { ImportPackage, ImportProgress, PackageImportRequest } from "../../protocol/operator.ts";
import { printJson, safe } from "../output.ts";
import { SETTINGS_ARGS, settingsCell, settingsFromFlags } from "./settings.ts";
import { intFlag } from "../flags.ts";

export default command({
  meta: { name: "import", description: "watch every package of a lockfile (package-lock.json, npm-shrinkwrap.json, yarn.lock v1, pnpm-lock.yaml)" },
  args: {
    file: { type: "positional", description: "the lockfile", required: true },
    "only-install-scripts": { type: "boolean", description: "watch only the packages that run code at install (lockfile's hasInstallScript, else the packument)" },
    "dry-run": { type: "boolean", description: "say what would change; write nothing" },
    "skip-initial-scan": { type: "boolean", description: "do not queue a kickoff scan of each added package's locked version" },
    "skip-registry-validate": { type: "boolean", description: "do not ask the registry (offline); unknown install scripts count as present" },
    concurrency: { type: "string", description: "registry look-ups in flight (default 8, at most 32)" },
    ...SETTINGS_ARGS,
    ...JSON_ARG,
  },
  async run(ctx) {
    const a = ctx.args;
    const source = resolve(String(a.file));
    const settings = settingsFromFlags(a);
    const concurrency = intFlag(a.concurrency, { name: "concurrency", min: 1, max: 32, example: 8 }) ?? 8;
    const lock = readLockfile(source);
    const req: PackageImportRequest = {
      ...lockPackages(lock), source, format: lock.format, lockfile_version: lock.version, settings, concurrency,
      dry_run: a["dry-run"] === true, only_install_scripts: a["only-install-scripts"] === true,
      skip_initial_scan: a["skip-initial-scan"] === true, skip_registry_validate: a["skip-registry-validate"] === true,
    };
    const r = await (await operator(ctx)).importPackages(req, progress);

    if (a.json) return printJson(r);
    const verb = r.dry_run ? "would add" : "added";
    const total = req.packages.length + req.skipped!.length;
    console.log(`${safe(r.source)} (${r.format} lockfile v${safe(r.lockfile_version)}, ${total} packages): ${r.added.length} ${verb}, ${r.already_watched.length} already watched, ${r.skipped.length} skipped, ${r.left.length} left`);
    if (r.added.length) console.log(`  ${verb} (polled on and installed from ${safe(r.registry)}; ${safe(settingsCell(r.settings))}): ${r.added.map((x) => safe(`${x.package}@${x.version}`)).join(", ")}`);
    for (const s of r.skipped) console.log(`  skipped ${safe(s.package)}: ${safe(s.reason)}`);
    if (r.left.length) console.log(`  left the lockfile (still watched; fangs package remove NAME to stop): ${r.left.map(safe).join(", ")}`);
    if (r.dry_run) console.log("  dry run: nothing written");
  },
});

function progress(p: ImportProgress): void {
  process.stderr.write(p.checked === 0 ? `checking ${p.of} package(s) on ${safe(p.registry)} (${p.concurrency} at a time)\n` : `  checked ${p.checked}/${p.of}\n`);
}

/** One entry per package name (its locked versions, whether any copy runs code at install), and what is not from a registry. */
function lockPackages(lock: Lockfile): Pick<PackageImportRequest, "packages" | "skipped"> {
  const byName = new Map<string, ImportPackage>();
  for (const e of lock.entries) {
    const w = byName.get(e.name) ?? { name: e.name, versions: [], install_script: false, resolved: [] };
    if (!w.versions.includes(e.version)) w.versions.push(e.version);
    // true if any copy runs code; unknown (null) if any copy is unknown and none is known to.
    const s = e.installScript ?? null;
    w.install_script = w.install_script === true || s === true ? true : w.install_script === null || s === null ? null : false;
    if (e.resolved && !w.resolved.includes(e.resolved)) w.resolved.push(e.resolved);
    byName.set(e.name, w);
  }
  const seen = new Set<string>();
  const skipped = lock.skipped.filter((s) => !byName.has(s.name) && !seen.has(s.name) && seen.add(s.name)).map((s) => ({ package: s.name, reason: s.reason.length > 500 ? s.reason.slice(0, 499) + "…" : s.reason }));
  return { packages: [...byName.values()], skipped };
}
