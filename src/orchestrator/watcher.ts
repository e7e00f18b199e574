// The registry watcher: polls each watched package (conditional requests,
// abbreviated packuments) and queues a scan for each release it has not seen —
// a new dist-tags.latest, or with -watch-all-versions every newly published
// version. "Seen" is the releases table, checked in the same transaction that
// queues, so a release is queued exactly once, across restarts too.
// A new release whose whole installed closure runs no install script and
// builds nothing (registry metadata: scripts, gypfile, hasInstallScript) is
// recorded as "no-install-code" without a sandbox, but only for install-only
// scans: with the import phase on (the default) code runs when the package is
// loaded, install script or not (node-ipc style), so every release is scanned.
// The package or the config (-scan-every-release) can also ask for every release.
// Failures back off per package (Retry-After honoured); one slow or failing
// package never holds up the others or the rest of the service.
import type { AppDeps } from "./deps.ts";
import type { Package } from "../store/schema.ts";
import { fetchPackument, type Packument as RegistryPackument } from "../registry/npm.ts";
import { closureInstallCode, type ClosureAnswer } from "../registry/closure.ts";
import { enqueueScan, recordNoInstallCode } from "../store/runs.ts";
import { audit } from "../store/audit.ts";
import { Ticker } from "./ticker.ts";
import { loadsPackage, mustScan, packageRegistry, parseSettings } from "../protocol/package_settings.ts";
import { getPackage, listWatched, recordPoll, recordSeen } from "../store/packages.ts";
import { releaseKnown } from "../store/releases.ts";

const CONCURRENCY = 4;
const POLL_TIMEOUT_MS = 30_000;
const MAX_BACKOFF_MS = 3_600_000;

interface Packument { name: string; "dist-tags": Record<string, string>; versions: Record<string, unknown>; time?: Record<string, string> }

export interface PollOutcome { package: string; result: "ok" | "not_modified" | "not_found" | "error" | "backoff"; queued: string[] }

export class Watcher {
  readonly #backoff = new Map<string, { failures: number; nextAt: number }>();
  #ticker: Ticker | undefined;

  constructor(private readonly d: AppDeps) {}

  start(firstDelayMs = 1000): this {
    const every = this.d.cfg["poll-interval"] * 1000;
    this.#ticker = new Ticker("watcher", firstDelayMs, every, async () => void (await this.pollAll()), this.d.log).start();
    return this;
  }

  async stop(): Promise<void> {
    await this.#ticker?.stop();
  }

  async pollAll(now = Date.now()): Promise<PollOutcome[]> {
    const pkgs = await listWatched(this.d.db);
    const out: PollOutcome[] = [];
    let next = 0;
    const worker = async () => {
      while (next < pkgs.length) {
        const p = pkgs[next++];
        const b = this.#backoff.get(p.name);
        if (b && b.nextAt > now) out.push({ package: p.name, result: "backoff", queued: [] });
        else out.push(await this.pollOne(p));
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, pkgs.length) }, worker));
    return out;
  }

  async pollOne(p: Package): Promise<PollOutcome> {
    const { d } = this;
    // The package's own registry when it has one: polled where it installs from.
    const registry = packageRegistry(d.cfg.registry, parseSettings(p.settings));
    try {
      const r = await withTimeout(fetchPackument(registry, p.name, { etag: p.etag ?? undefined, lastModified: p.last_modified ?? undefined }), POLL_TIMEOUT_MS, `registry did not answer within ${POLL_TIMEOUT_MS / 1000}s`);
      d.metrics.watcherPolls.inc({ result: r.status });
      this.#backoff.delete(p.name);
      if (r.status === "not_modified") {
        await recordPoll(d.db, p.name, null);
        return { package: p.name, result: "not_modified", queued: [] };
      }
      if (r.status === "not_found") {
        await recordPoll(d.db, p.name, "not found on the registry");
        return { package: p.name, result: "not_found", queued: [] };
      }
      const settings = parseSettings(p.settings);
      const importPhase = loadsPackage(settings, d.cfg["import-phase"]);
      // No closure walk (one packument fetch per dependency) when its answer could not spare a sandbox.
      const answers = mustScan(settings, { scanEveryRelease: d.cfg["scan-every-release"], importPhase: d.cfg["import-phase"] }) ? undefined : await this.#closures(p, registry, r.packument, r.abbreviated);
      const queued = await this.#apply(p.name, r.packument as Packument, r.etag ?? null, r.lastModified ?? null, answers, importPhase);
      if (queued.length) d.dispatch.wake();
      return { package: p.name, result: "ok", queued };
    } catch (e) {
      const err = e as Error & { retryAfterS?: number };
      const prev = this.#backoff.get(p.name)?.failures ?? 0;
      const base = d.cfg["poll-interval"] * 1000;
      const delay = Math.min(MAX_BACKOFF_MS, Math.max(base * 2 ** prev, (err.retryAfterS ?? 0) * 1000));
      this.#backoff.set(p.name, { failures: prev + 1, nextAt: Date.now() + delay });
      d.metrics.watcherPolls.inc({ result: "error" });
      d.metrics.watcherErrors.inc();
      const msg = err.message.slice(0, 500);
      d.log(`watcher: poll of ${JSON.stringify(p.name)} failed (${msg}); next try in ${Math.round(delay / 1000)}s`);
      await recordPoll(d.db, p.name, msg).catch(() => {});
      return { package: p.name, result: "error", queued: [] };
    }
  }

  /** For each new version: does its installed closure run install code?
   *  Looked up before the write transaction (network), per poll. */
  async #closures(p: Package, registry: string, doc: RegistryPackument, abbreviated: boolean): Promise<Map<string, ClosureAnswer>> {
    const out = new Map<string, ClosureAnswer>();
    const fetchDoc = async (name: string) => {
      const r = await withTimeout(fetchPackument(registry, name), POLL_TIMEOUT_MS, `registry did not answer for ${name} within ${POLL_TIMEOUT_MS / 1000}s`);
      return r.status === "ok" ? { packument: r.packument, abbreviated: r.abbreviated } : undefined;
    };
    for (const version of newVersions(p, doc as Packument, this.d.cfg["watch-all-versions"])) {
      const a = await closureInstallCode({ name: p.name, version, doc: { packument: doc, abbreviated } }, fetchDoc)
        .catch((e: Error): ClosureAnswer => ({ runsCode: undefined, checked: 0, reason: `look-up failed: ${e.message.slice(0, 200)}` }));
      out.set(version, a);
    }
    return out;
  }

  /** Queue what is new in this packument — or, when its closure runs no
   *  install code, record it as no-install-code; returns the versions queued. */
  async #apply(name: string, doc: Packument, etag: string | null, lastModified: string | null, answers: Map<string, ClosureAnswer> | undefined, importPhase: boolean): Promise<string[]> {
    const { d } = this;
    const latest = doc["dist-tags"]?.latest;
    return d.db.transaction().execute(async (trx) => {
      const pkg = await getPackage(trx, name);
      if (!pkg) return [];
      const candidates = newVersions(pkg, doc, d.cfg["watch-all-versions"]);
      const queued: string[] = [];
      for (const version of candidates) {
        if (await releaseKnown(trx, name, version)) continue;
        const answer = answers?.get(version);
        if (answer?.runsCode === false) {
          const run = await recordNoInstallCode(trx, { package: name, version, defaultRegistry: d.cfg.registry, reason: answer.reason, checked: answer.checked, actor: "system:watcher" });
          d.metrics.watcherReleases.inc({ outcome: "no_install_code" });
          d.log(`watcher: new release ${JSON.stringify(name)}@${JSON.stringify(version)}: ${answer.reason}; recorded as run ${run.id} (no-install-code), no sandbox`);
          continue;
        }
        const run = await enqueueScan(trx, { package: name, version, source: "watcher", defaultRegistry: d.cfg.registry, actor: "system:watcher" });
        d.metrics.watcherReleases.inc({ outcome: "queued" });
        d.log(`watcher: new release ${JSON.stringify(name)}@${JSON.stringify(version)}; queued run ${run.id}${answer ? ` (${answer.reason})` : importPhase ? " (scanned for its load-time code: the import phase is on)" : ""}`);
        queued.push(version);
      }
      const seen = latest ?? pkg.last_seen_version;
      if (seen !== pkg.last_seen_version) {
        await audit(trx, { actor: "system:watcher", action: "package.last_seen_version", target_kind: "package", target_id: name, before: { last_seen_version: pkg.last_seen_version }, after: { last_seen_version: seen } });
      }
      await recordSeen(trx, name, { lastSeenVersion: seen, etag, lastModified });
      return queued;
    });
  }
}

/** Versions worth a scan: the new latest, and with watchAll every version
 * published after the one last seen (publication order; `time` when given). */
export function newVersions(pkg: Pick<Package, "last_seen_version" | "added_at">, doc: Packument, watchAll: boolean): string[] {
  const latest = doc["dist-tags"]?.latest;
  const out: string[] = [];
  if (watchAll && pkg.last_seen_version) {
    const all = Object.keys(doc.versions ?? {});
    if (doc.time && all.every((v) => doc.time![v])) {
      const since = Date.parse(doc.time[pkg.last_seen_version] ?? "") || pkg.added_at;
      out.push(...all.filter((v) => Date.parse(doc.time![v]) > since).sort((a, b) => Date.parse(doc.time![a]) - Date.parse(doc.time![b])));
    } else {
      const i = all.indexOf(pkg.last_seen_version);
      if (i >= 0) out.push(...all.slice(i + 1));
    }
  }
  if (latest && latest !== pkg.last_seen_version && doc.versions?.[latest] !== undefined && !out.includes(latest)) out.push(latest);
  return out;
}

function withTimeout<T>(p: Promise<T>, ms: number, msg: string): Promise<T> {
  let t: ReturnType<typeof setTimeout>;
  return Promise.race([p, new Promise<never>((_, rej) => (t = setTimeout(() => rej(new Error(msg)), ms)))]).finally(() => clearTimeout(t));
}
