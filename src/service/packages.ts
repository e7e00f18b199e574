// Watching packages: add (validated on the package's registry, kickoff scan
// queued), remove, change settings. The package row, its kickoff run and
// their audit rows land in one transaction. Used by the CLI on the database,
// by POST/DELETE/PATCH /v1/packages and so by the CLI in remote mode.
import * as v from "valibot";
import type { Store } from "../store/index.ts";
import { FangsError, NotFoundError } from "../core/errors.ts";
import { addPackage, getPackage, removePackage, setPackageSettings } from "../store/packages.ts";
import { enqueueScan } from "../store/runs.ts";
import { dropSource, putSource } from "../store/package_sources.ts";
import { audit } from "../store/audit.ts";
import { fetchPackument } from "../registry/npm.ts";
import { packageNameError } from "../protocol/npm_names.ts";
import { packageRegistry, parseSettings, PackageSettings } from "../protocol/package_settings.ts";
import type { PackageAddRequest, PackageAddResult, PackageRemoveResult, PackageSetRequest, PackageSetResult } from "../protocol/operator.ts";

export interface Who { actor: string; defaultRegistry: string }

export async function watchPackage(db: Store, req: PackageAddRequest, who: Who): Promise<PackageAddResult> {
  const name = req.name;
  const nameErr = packageNameError(name);
  if (nameErr) throw new FangsError(nameErr, { hint: "fangs package add lodash" });
  const settings = v.parse(PackageSettings, req.settings ?? {});
  const registry = packageRegistry(who.defaultRegistry, settings);
  let version: string | null = req.version ?? null;
  let latest: string | null = null;
  if (!req.skip_registry_validate) {
    const r = await fetchPackument(registry, name);
    if (r.status === "not_found") throw new FangsError(`package ${name} does not exist on ${registry}`, { hint: "check the spelling; for a private registry give -registry-url URL" });
    if (r.status !== "ok") throw new FangsError(`registry ${registry} gave no packument for ${name}`);
    latest = r.packument["dist-tags"].latest ?? null;
    if (!latest) throw new FangsError(`package ${name} has no dist-tags.latest on ${registry}`);
    if (version !== null && !(version in r.packument.versions)) throw new FangsError(`${name}@${version} does not exist on ${registry}`, { hint: `latest is ${latest}` });
    version ??= latest;
  }
  const { pkg, run } = await db.transaction().execute(async (tx) => {
    const pkg = await addPackage(tx, { name, lastSeenVersion: latest ?? version, settings }, who.actor);
    const run = !req.skip_initial_scan && version ? await enqueueScan(tx, { package: name, version, source: "kickoff", defaultRegistry: who.defaultRegistry, actor: who.actor }) : null;
    return { pkg, run };
  });
  return { package: name, last_seen_version: pkg.last_seen_version, settings, registry, kickoff_run_id: run?.id ?? null, kickoff_version: run?.version ?? null };
}

export async function unwatchPackage(db: Store, name: string, actor: string): Promise<PackageRemoveResult> {
  const p = await db.transaction().execute((tx) => removePackage(tx, name, actor));
  return { package: p.name, watched: false };
}

/** The settings given replace those stored; the others stay, unless `reset` starts from the defaults. */
export async function setPackage(db: Store, name: string, req: PackageSetRequest, who: Who): Promise<PackageSetResult> {
  return db.transaction().execute(async (tx) => {
    const p = await getPackage(tx, name);
    if (!p || Number(p.watched) !== 1) throw new NotFoundError(`watched package ${name}`, "fangs package watched");
    const settings = v.parse(PackageSettings, { ...(req.reset ? {} : parseSettings(p.settings)), ...req.settings });
    await setPackageSettings(tx, name, settings, who.actor);
    return { package: name, registry: packageRegistry(who.defaultRegistry, settings), settings };
  });
}

/** What `fangs package import` decided for one lockfile. */
export interface ImportPlan {
  source: string;
  format: string;
  settings: PackageSettings;
  skippedCount: number;
  /** To watch; `version` is the kickoff scan's (null: none). */
  added: Array<{ package: string; version: string | null; last_seen_version: string | null; locked: string }>;
  already: Array<{ package: string; locked: string }>;
  left: string[];
}

/** Persist an import in one transaction (nothing half-written): the packages, their lockfile sources, kickoff scans, one audit row. Returns the kickoff run ids by package. */
export async function importWatched(db: Store, plan: ImportPlan, who: Who): Promise<Map<string, string>> {
  return db.transaction().execute(async (tx) => {
    const kicked = new Map<string, string>();
    for (const x of plan.added) {
      await addPackage(tx, { name: x.package, lastSeenVersion: x.last_seen_version, settings: plan.settings }, who.actor);
      await putSource(tx, { package: x.package, source: plan.source, locked_version: x.locked });
      if (x.version) kicked.set(x.package, (await enqueueScan(tx, { package: x.package, version: x.version, source: "kickoff", defaultRegistry: who.defaultRegistry, actor: who.actor })).id);
    }
    for (const x of plan.already) await putSource(tx, { package: x.package, source: plan.source, locked_version: x.locked });
    for (const name of plan.left) await dropSource(tx, name, plan.source);
    await audit(tx, { actor: who.actor, action: "package.import", target_kind: "lockfile", target_id: plan.source, after: { format: plan.format, added: plan.added.length, already_watched: plan.already.length, skipped: plan.skippedCount, left: plan.left.length } });
    return kicked;
  });
}
