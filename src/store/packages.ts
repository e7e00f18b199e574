// The watch list, and the per-package summary `package list` shows.
import type { Kysely, Transaction } from "kysely";
import type { DB, Package } from "./schema.ts";
import { audit } from "./audit.ts";
import { FangsError, NotFoundError } from "../core/errors.ts";
import { parseSettings, settingsJson, type PackageSettings } from "../protocol/package_settings.ts";

type Db = Kysely<DB> | Transaction<DB>;

// npm's rules for a package name (validate-npm-package-name), loosened to the
// legacy names still on the registry (JSONStream has capitals; some have !'()*).
const NAME = /^(?:@[A-Za-z0-9-~][A-Za-z0-9-._~!'()*]*\/)?[A-Za-z0-9-~][A-Za-z0-9-._~!'()*]*$/;

export function packageNameError(name: string): string | undefined {
  if (!name) return "package name is empty";
  if (name.length > 214) return "package name is longer than 214 characters";
  if (!NAME.test(name)) return `${JSON.stringify(name)} is not a valid npm package name`;
  return undefined;
}

export async function getPackage(db: Db, name: string): Promise<Package | undefined> {
  return db.selectFrom("packages").selectAll().where("name", "=", name).executeTakeFirst();
}

/** The watch list; with `source`, only the packages imported from that lockfile. */
export async function listWatched(db: Db, opts: { source?: string } = {}): Promise<Package[]> {
  let q = db.selectFrom("packages").selectAll().where("watched", "=", 1);
  if (opts.source !== undefined) {
    const src = opts.source;
    q = q.where("name", "in", (eb) => eb.selectFrom("package_sources").select("package").where("source", "=", src));
  }
  return q.orderBy("name").execute();
}

/** Add (or re-watch) a package. Throws when it is already watched. */
export async function addPackage(db: Db, p: { name: string; lastSeenVersion: string | null; settings?: PackageSettings }, actor: string): Promise<Package> {
  // The change and its audit row land together or not at all.
  if (!db.isTransaction) return db.transaction().execute((tx) => addPackage(tx, p, actor));
  const err = packageNameError(p.name);
  if (err) throw new FangsError(err);
  const before = await getPackage(db, p.name);
  if (before?.watched === 1) throw new FangsError(`package ${p.name} is already watched`, { hint: "fangs package watched" });
  if (before) {
    // Re-watched: the settings given now replace the old ones, and the
    // conditional-poll state is dropped (it may belong to another registry).
    await db.updateTable("packages").set({ watched: 1, last_seen_version: p.lastSeenVersion ?? before.last_seen_version, settings: settingsJson(p.settings ?? {}), etag: null, last_modified: null }).where("name", "=", p.name).execute();
  } else {
    await db.insertInto("packages").values({ name: p.name, last_seen_version: p.lastSeenVersion, added_at: Date.now(), etag: null, last_modified: null, last_polled_at: null, poll_error: null, settings: settingsJson(p.settings ?? {}) }).execute();
  }
  const after = (await getPackage(db, p.name))!;
  await audit(db, { actor, action: "package.add", target_kind: "package", target_id: p.name, before, after });
  return after;
}

/** Replace a watched package's scan settings. A new registry drops the
 *  conditional-poll state (the etag belongs to the old one). */
export async function setPackageSettings(db: Db, name: string, settings: PackageSettings, actor: string): Promise<Package> {
  const before = await getPackage(db, name);
  if (!before || before.watched !== 1) throw new NotFoundError(`watched package ${name}`, "fangs package watched");
  const json = settingsJson(settings);
  const moved = (parseSettings(before.settings).registry_url ?? null) !== (settings.registry_url ?? null);
  await db.updateTable("packages").set({ settings: json, ...(moved && { etag: null, last_modified: null }) }).where("name", "=", name).execute();
  const after = (await getPackage(db, name))!;
  await audit(db, { actor, action: "package.settings", target_kind: "package", target_id: name, before: { settings: parseSettings(before.settings) }, after: { settings } });
  return after;
}

/** Stop watching; runs, baseline and history stay. */
export async function removePackage(db: Db, name: string, actor: string): Promise<Package> {
  if (!db.isTransaction) return db.transaction().execute((tx) => removePackage(tx, name, actor));
  const before = await getPackage(db, name);
  if (!before || before.watched !== 1) throw new NotFoundError(`watched package ${name}`, "fangs package watched");
  await db.updateTable("packages").set({ watched: 0 }).where("name", "=", name).execute();
  await audit(db, { actor, action: "package.remove", target_kind: "package", target_id: name, before, after: { ...before, watched: 0 } });
  return { ...before, watched: 0 };
}

export interface PackageSummary {
  package: string;
  watched: boolean;
  runs: number;
  baseline_runs: number;
  last_run_at: number | null;
  open_deviations: number;
  baseline_fingerprints: number;
}

/** Packages with at least one run (the post-scan summary view). */
export async function listPackages(db: Db): Promise<PackageSummary[]> {
  const runs = await db
    .selectFrom("runs")
    .select((eb) => [
      "package",
      eb.fn.countAll<number>().as("runs"),
      eb.fn.sum<number>("is_baseline").as("baseline_runs"),
      eb.fn.max("created_at").as("last_run_at"),
    ])
    .groupBy("package")
    .orderBy("package")
    .execute();
  const open = await db.selectFrom("deviations").select((eb) => ["package", eb.fn.countAll<number>().as("n")]).where("cleared", "=", 0).groupBy("package").execute();
  const base = await db.selectFrom("baseline_fingerprints").select((eb) => ["package", eb.fn.countAll<number>().as("n")]).groupBy("package").execute();
  const watched = await db.selectFrom("packages").select(["name", "watched"]).execute();
  const openBy = new Map(open.map((o) => [o.package, Number(o.n)]));
  const baseBy = new Map(base.map((o) => [o.package, Number(o.n)]));
  const watchedBy = new Map(watched.map((w) => [w.name, w.watched === 1]));
  return runs.map((r) => ({
    package: r.package,
    watched: watchedBy.get(r.package) ?? false,
    runs: Number(r.runs),
    baseline_runs: Number(r.baseline_runs ?? 0),
    last_run_at: r.last_run_at === null ? null : Number(r.last_run_at),
    open_deviations: openBy.get(r.package) ?? 0,
    baseline_fingerprints: baseBy.get(r.package) ?? 0,
  }));
}

/** Every package FANGS knows, watched or only scanned, with its run count (the read API). */
export async function listTrackedPackages(db: Db): Promise<Array<Package & { runs: number; last_run_at: number | null }>> {
  const pkgs = await db.selectFrom("packages").selectAll().orderBy("name").execute();
  const stats = await db.selectFrom("runs").select((eb) => ["package", eb.fn.countAll<number>().as("runs"), eb.fn.max("created_at").as("last_run_at")]).groupBy("package").execute();
  const by = new Map(stats.map((s) => [s.package, s]));
  const out = pkgs.map((p) => ({ ...p, runs: Number(by.get(p.name)?.runs ?? 0), last_run_at: by.get(p.name)?.last_run_at ?? null }));
  // Packages scanned once (scan submit) but never watched are "tracked" too.
  const known = new Set(pkgs.map((p) => p.name));
  for (const s of stats) {
    if (!known.has(s.package)) {
      out.push({ name: s.package, watched: 0, last_seen_version: null, added_at: 0, etag: null, last_modified: null, last_polled_at: null, poll_error: null, settings: null, runs: Number(s.runs), last_run_at: s.last_run_at });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** A package FANGS knows (watched once, or scanned): filters on unknown names are typos. */
export async function assertKnownPackage(db: Db, name: string): Promise<void> {
  if (await getPackage(db, name)) return;
  if (await db.selectFrom("runs").select("id").where("package", "=", name).limit(1).executeTakeFirst()) return;
  throw new NotFoundError(`package ${name}`, "fangs package watched / fangs package list");
}

/** The watcher's poll of a package ended: when, and the error if it failed (null clears it). */
export async function recordPoll(db: Db, name: string, error: string | null, at = Date.now()): Promise<void> {
  await db.updateTable("packages").set({ last_polled_at: at, poll_error: error }).where("name", "=", name).execute();
}

/** The watcher saw the registry's document: what it says is latest and the cache validators for the next poll. */
export async function recordSeen(db: Db, name: string, s: { lastSeenVersion: string | null; etag: string | null; lastModified: string | null }, at = Date.now()): Promise<void> {
  await db.updateTable("packages").set({ last_seen_version: s.lastSeenVersion, etag: s.etag, last_modified: s.lastModified, last_polled_at: at, poll_error: null }).where("name", "=", name).execute();
}
