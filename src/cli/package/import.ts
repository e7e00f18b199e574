// `fangs package import <lockfile>`: watch every package of the closure a
// lockfile installs. Load (parse; any hostile name refuses the whole file) →
// look up (the registry, batched with bounded concurrency, progress on
// stderr) → decide (added / already watched / skipped / left) → persist in
// ONE transaction (nothing half-written) → print the summary.
import { resolve } from "node:path";
import { command, JSON_ARG } from "../command.ts";
import { mapPool } from "../../core/pool.ts";
import { cliActor } from "../../store/audit.ts";
import { listWatched } from "../../store/packages.ts";
import { listSource } from "../../store/package_sources.ts";
import { importWatched } from "../../service/packages.ts";
import { fetchPackument, type PackumentResult } from "../../registry/npm.ts";
import { runsInstallCode } from "../../registry/install_code.ts";
import { packageRegistry } from "../../protocol/package_settings.ts";
import { readLockfile, type LockSkip } from "../../lockfile/index.ts";
import { printJson, safe } from "../output.ts";
import { SETTINGS_ARGS, settingsCell, settingsFromFlags } from "./settings.ts";
import { intFlag } from "../flags.ts";

interface Wanted { name: string; versions: string[]; installScript: boolean | undefined; resolved: string[] }
type Lookup = PackumentResult | { status: "error"; message: string };
interface Added { package: string; version: string; last_seen_version: string | null; install_script: boolean | null; kickoff_run_id: string | null }

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
    const defaultRegistry = String(ctx.config().registry);
    const registry = packageRegistry(defaultRegistry, settings);
    const concurrency = intFlag(a.concurrency, { name: "concurrency", min: 1, max: 32, example: 8 }) ?? 8;

    // Load.
    const lock = readLockfile(source);
    const wanted = new Map<string, Wanted>();
    for (const e of lock.entries) {
      const w = wanted.get(e.name) ?? { name: e.name, versions: [], installScript: false, resolved: [] };
      if (!w.versions.includes(e.version)) w.versions.push(e.version);
      // true if any copy runs code; unknown if any copy is unknown and none is known to.
      w.installScript = w.installScript === true || e.installScript === true ? true : w.installScript === undefined || e.installScript === undefined ? undefined : false;
      if (e.resolved) w.resolved.push(e.resolved);
      wanted.set(e.name, w);
    }
    const skipped: LockSkip[] = dedupe(lock.skipped.filter((s) => !wanted.has(s.name)));
    // A package the lockfile resolved from another registry is not watched
    // from this one: that is the dependency-confusion mistake.
    for (const w of [...wanted.values()]) {
      const other = w.resolved.find((r) => !fromRegistry(r, registry));
      if (other) {
        wanted.delete(w.name);
        skipped.push({ name: w.name, reason: `resolved from ${origin(other)}, not ${registry} (import with -registry-url ${origin(other)})` });
      }
    }

    // Look up.
    const db = await ctx.store();
    const watched = new Set((await listWatched(db)).map((p) => p.name));
    const onlyScripts = a["only-install-scripts"] === true;
    const need = a["skip-registry-validate"] ? [] : [...wanted.values()].filter((w) => !watched.has(w.name) || (onlyScripts && w.installScript === undefined));
    const lookups = new Map<string, Lookup>();
    if (need.length) {
      process.stderr.write(`checking ${need.length} package(s) on ${safe(registry)} (${concurrency} at a time)\n`);
      let done = 0;
      let shown = 0;
      await mapPool(need, concurrency, async (w) => {
        lookups.set(w.name, await fetchPackument(registry, w.name).catch((e: Error) => ({ status: "error" as const, message: e.message })));
        done++;
        const pct = Math.floor((done * 10) / need.length);
        if (pct > shown || done === need.length) {
          shown = pct;
          process.stderr.write(`  checked ${done}/${need.length}\n`);
        }
      });
    }

    // Decide.
    const added: Added[] = [];
    const already: string[] = [];
    for (const w of [...wanted.values()].sort((x, y) => x.name.localeCompare(y.name))) {
      const l = lookups.get(w.name);
      if (l?.status === "not_found") { skipped.push({ name: w.name, reason: `not on ${registry}` }); continue; }
      if (l?.status === "error") { skipped.push({ name: w.name, reason: `registry error: ${l.message}` }); continue; }
      let scripts = w.installScript;
      if (scripts === undefined && l?.status === "ok") {
        const known = w.versions.map((v) => runsInstallCode(l.packument.versions[v], l.abbreviated));
        scripts = known.includes(true) ? true : known.every((k) => k === false) ? false : undefined;
      }
      // Unknown counts as present: watching one package too many is the safe side.
      if (onlyScripts && scripts === false) { skipped.push({ name: w.name, reason: "no install script" }); continue; }
      if (watched.has(w.name)) { already.push(w.name); continue; }
      const version = newest(w.versions);
      const doc = l?.status === "ok" ? l.packument : undefined;
      const latest = doc?.["dist-tags"].latest ?? null;
      // Kick off the version this project runs; the latest when the registry no longer has it.
      const kick = !doc || version in doc.versions ? version : latest ?? version;
      added.push({ package: w.name, version: kick, last_seen_version: latest ?? version, install_script: scripts ?? null, kickoff_run_id: null });
    }
    const before = await listSource(db, source);
    const kept = new Set([...added.map((x) => x.package), ...already]);
    const left = before.filter((b) => !kept.has(b.package)).map((b) => b.package);

    // Persist: one transaction, so an error leaves the watch list as it was.
    if (!a["dry-run"]) {
      const locked = (name: string) => wanted.get(name)!.versions.join(", ");
      const kicked = await importWatched(db, {
        source, format: lock.format, settings, skippedCount: skipped.length,
        added: added.map((x) => ({ package: x.package, version: a["skip-initial-scan"] ? null : x.version, last_seen_version: x.last_seen_version, locked: locked(x.package) })),
        already: already.map((name) => ({ package: name, locked: locked(name) })),
        left,
      }, { actor: cliActor(), defaultRegistry });
      for (const x of added) x.kickoff_run_id = kicked.get(x.package) ?? null;
    }

    // Report.
    const summary = { source, format: lock.format, lockfile_version: lock.version, registry, settings, dry_run: a["dry-run"] === true, added, already_watched: already, skipped: skipped.map((s) => ({ package: s.name, reason: s.reason })), left };
    if (a.json) return printJson(summary);
    const verb = a["dry-run"] ? "would add" : "added";
    console.log(`${safe(source)} (${lock.format} lockfile v${safe(lock.version)}, ${wanted.size + skipped.length} packages): ${added.length} ${verb}, ${already.length} already watched, ${skipped.length} skipped, ${left.length} left`);
    if (added.length) console.log(`  ${verb} (polled on and installed from ${safe(registry)}; ${safe(settingsCell(settings))}): ${added.map((x) => safe(`${x.package}@${x.version}`)).join(", ")}`);
    for (const s of skipped) console.log(`  skipped ${safe(s.name)}: ${safe(s.reason)}`);
    if (left.length) console.log(`  left the lockfile (still watched; fangs package remove NAME to stop): ${left.map(safe).join(", ")}`);
    if (a["dry-run"]) console.log("  dry run: nothing written");
  },
});

function dedupe(skips: LockSkip[]): LockSkip[] {
  const seen = new Set<string>();
  return skips.filter((s) => !seen.has(s.name) && seen.add(s.name));
}

function newest(versions: string[]): string {
  return [...versions].sort((x, y) => Bun.semver.order(y, x))[0];
}

function origin(url: string): string {
  try {
    return new URL(url).origin + "/";
  } catch {
    return url.slice(0, 100);
  }
}

/** The yarn mirror serves the public registry's tarballs. */
const canonical = (u: string) => u.replace(/^https?:\/\/registry\.yarnpkg\.com\//, "https://registry.npmjs.org/").replace(/^http:\/\/registry\.npmjs\.org\//, "https://registry.npmjs.org/");

function fromRegistry(resolved: string, registry: string): boolean {
  const reg = canonical(registry.endsWith("/") ? registry : registry + "/");
  return canonical(resolved).startsWith(reg);
}
