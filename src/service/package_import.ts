// `fangs package import`, the decisions: given the packages a lockfile locks
// (parsed where the file is, by the CLI), look them up on the registry
// (bounded concurrency, progress reported), decide added / already watched /
// skipped / left, and persist in ONE transaction (importWatched: nothing
// half-written), unless it is a dry run. Used by the CLI on the database and
// by POST /v1/packages/import, so by the CLI in remote mode.
import * as v from "valibot";
import type { Store } from "../store/index.ts";
import { mapPool } from "../core/pool.ts";
import { listWatched } from "../store/packages.ts";
import { listSource } from "../store/package_sources.ts";
import { fetchPackument, type PackumentResult } from "../registry/npm.ts";
import { runsInstallCode } from "../registry/install_code.ts";
import { packageRegistry, PackageSettings } from "../protocol/package_settings.ts";
import type { ImportPackage, ImportProgress, PackageImportRequest, PackageImportResult } from "../protocol/operator.ts";
import { importWatched, type Who } from "./packages.ts";

const PROGRESS_EVERY_MS = 5000;

type Lookup = PackumentResult | { status: "error"; message: string };
type Added = PackageImportResult["added"][number];

export async function importPackages(db: Store, req: PackageImportRequest, who: Who, onProgress: (p: ImportProgress) => void = () => {}): Promise<PackageImportResult> {
  const settings = v.parse(PackageSettings, req.settings ?? {});
  const registry = packageRegistry(who.defaultRegistry, settings);
  const concurrency = req.concurrency ?? 8;
  const wanted = new Map<string, ImportPackage>(req.packages.map((p) => [p.name, { ...p, resolved: p.resolved ?? [] }]));
  const seen = new Set<string>();
  const skipped = (req.skipped ?? []).filter((s) => !wanted.has(s.package) && !seen.has(s.package) && seen.add(s.package));
  // A package the lockfile resolved from another registry is not watched
  // from this one: that is the dependency-confusion mistake.
  for (const w of [...wanted.values()]) {
    const other = w.resolved.find((r) => !fromRegistry(r, registry));
    if (other) {
      wanted.delete(w.name);
      skipped.push({ package: w.name, reason: `resolved from ${origin(other)}, not ${registry} (import with -registry-url ${origin(other)})` });
    }
  }

  // Look up.
  const watched = new Set((await listWatched(db)).map((p) => p.name));
  const onlyScripts = req.only_install_scripts === true;
  const need = req.skip_registry_validate ? [] : [...wanted.values()].filter((w) => !watched.has(w.name) || (onlyScripts && w.install_script === null));
  const lookups = new Map<string, Lookup>();
  if (need.length) {
    onProgress({ checked: 0, of: need.length, registry, concurrency });
    let done = 0;
    let shown = 0;
    let shownAt = Date.now();
    await mapPool(need, concurrency, async (w) => {
      lookups.set(w.name, await fetchPackument(registry, w.name).catch((e: Error) => ({ status: "error" as const, message: e.message })));
      done++;
      // Each tenth, and at least every PROGRESS_EVERY_MS on a slow registry
      // (the API streams these: the connection must not look idle).
      const pct = Math.floor((done * 10) / need.length);
      if (pct > shown || done === need.length || Date.now() - shownAt >= PROGRESS_EVERY_MS) {
        shown = pct;
        shownAt = Date.now();
        onProgress({ checked: done, of: need.length, registry, concurrency });
      }
    });
  }

  // Decide.
  const added: Added[] = [];
  const already: string[] = [];
  for (const w of [...wanted.values()].sort((x, y) => x.name.localeCompare(y.name))) {
    const l = lookups.get(w.name);
    if (l?.status === "not_found") { skipped.push({ package: w.name, reason: `not on ${registry}` }); continue; }
    if (l?.status === "error") { skipped.push({ package: w.name, reason: `registry error: ${l.message}` }); continue; }
    let scripts = w.install_script;
    if (scripts === null && l?.status === "ok") {
      const known = w.versions.map((x) => runsInstallCode(l.packument.versions[x], l.abbreviated));
      scripts = known.includes(true) ? true : known.every((k) => k === false) ? false : null;
    }
    // Unknown counts as present: watching one package too many is the safe side.
    if (onlyScripts && scripts === false) { skipped.push({ package: w.name, reason: "no install script" }); continue; }
    if (watched.has(w.name)) { already.push(w.name); continue; }
    const version = newest(w.versions);
    const doc = l?.status === "ok" ? l.packument : undefined;
    const latest = doc?.["dist-tags"].latest ?? null;
    // Kick off the version this project runs; the latest when the registry no longer has it.
    const kick = !doc || version in doc.versions ? version : latest ?? version;
    added.push({ package: w.name, version: kick, last_seen_version: latest ?? version, install_script: scripts, kickoff_run_id: null });
  }
  const before = await listSource(db, req.source);
  const kept = new Set([...added.map((x) => x.package), ...already]);
  const left = before.filter((b) => !kept.has(b.package)).map((b) => b.package);

  // Persist: one transaction, so an error leaves the watch list as it was.
  if (!req.dry_run) {
    const locked = (name: string) => wanted.get(name)!.versions.join(", ");
    const kicked = await importWatched(db, {
      source: req.source, format: req.format, settings, skippedCount: skipped.length,
      added: added.map((x) => ({ package: x.package, version: req.skip_initial_scan ? null : x.version, last_seen_version: x.last_seen_version, locked: locked(x.package) })),
      already: already.map((name) => ({ package: name, locked: locked(name) })),
      left,
    }, who);
    for (const x of added) x.kickoff_run_id = kicked.get(x.package) ?? null;
  }
  return { source: req.source, format: req.format, lockfile_version: req.lockfile_version, registry, settings, dry_run: req.dry_run === true, added, already_watched: already, skipped, left };
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
