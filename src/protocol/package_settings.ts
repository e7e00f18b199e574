// Per-package scan settings (`fangs package add -registry-url … -network …
// -duration … -memory …`), stored as JSON in packages.settings. Every scan of
// a watched package — the watcher's, the kickoff, `scan submit`, a re-scan —
// starts from them (one scan's explicit options still win), and the watcher
// polls the same registry the sandbox installs from: a package watched on a
// private registry is never installed from the public one (dependency
// confusion inside FANGS).
import * as v from "valibot";
import { DEFAULT_SPEC, NETWORK_MODE, type SandboxSpec } from "./sandbox.ts";
import { parseDuration } from "../core/config.ts";
import { FangsError } from "../core/errors.ts";

export const REGISTRY_URL = v.pipe(
  v.string(),
  v.maxLength(2048, "registry URL is longer than 2048 characters"),
  v.url("registry URL must be a URL like https://registry.npmjs.org/"),
  v.regex(/^https?:\/\//, "registry URL must be http(s)"),
);

/** "90s", "2m", 90 → seconds, 1 s … 1 h (the sandbox's bounds). */
export const DURATION = v.pipe(
  v.union([v.number(), v.pipe(v.string(), v.regex(/^\d+(\.\d+)?(ms|s|m|h)?$/, "duration like 90s, 2m or seconds"))]),
  v.transform((d) => parseDuration(d)),
  v.minValue(1, "duration must be at least 1s"),
  v.maxValue(3600, "duration must be at most 1h"),
);

export const MEMORY_MB = v.pipe(
  v.number("memory must be whole megabytes"),
  v.integer("memory must be whole megabytes"),
  v.minValue(64, "memory must be at least 64 MB"),
  v.maxValue(65536, "memory must be at most 65536 MB"),
);

export const PackageSettings = v.strictObject({
  /** Where the watcher polls AND the sandbox installs from; absent = the orchestrator's `registry`. */
  registry_url: v.optional(REGISTRY_URL),
  network: v.optional(NETWORK_MODE),
  duration_s: v.optional(v.pipe(v.number(), v.minValue(1), v.maxValue(3600))),
  memory_mb: v.optional(MEMORY_MB),
  /** Scan every release in a sandbox, even one whose closure runs no install code. */
  scan_every_release: v.optional(v.boolean()),
  /** Load the package after install (the import phase, on by default); false = install-only scans. */
  import_phase: v.optional(v.boolean()),
});
export type PackageSettings = v.InferOutput<typeof PackageSettings>;

/** Settings as stored (packages.settings); NULL is every default. */
export function parseSettings(json: string | null | undefined): PackageSettings {
  if (!json) return {};
  const r = v.safeParse(PackageSettings, JSON.parse(json));
  if (!r.success) throw new FangsError(`stored package settings are invalid: ${r.issues[0].message}`, { hint: "fangs package add NAME again with valid flags" });
  return r.output;
}

export function settingsJson(s: PackageSettings): string | null {
  const clean = Object.fromEntries(Object.entries(s).filter(([, x]) => x !== undefined));
  return Object.keys(clean).length ? JSON.stringify(clean) : null;
}

/** The registry a package is polled on and installed from. */
export function packageRegistry(defaultRegistry: string, s: PackageSettings): string {
  return s.registry_url ?? defaultRegistry;
}

/** The spec one scan runs with: built-in defaults < the orchestrator's
 *  registry < the package's settings < this scan's explicit options. */
export function scanSpec(defaultRegistry: string | undefined, s: PackageSettings, explicit: Partial<SandboxSpec> = {}): SandboxSpec {
  const fromPkg: Partial<SandboxSpec> = {
    ...(s.registry_url !== undefined && { registry_url: s.registry_url }),
    ...(s.network !== undefined && { network: s.network }),
    ...(s.duration_s !== undefined && { duration_s: s.duration_s }),
    ...(s.memory_mb !== undefined && { memory_mb: s.memory_mb }),
    ...(s.import_phase !== undefined && { import_phase: s.import_phase }),
  };
  const given = Object.fromEntries(Object.entries(explicit).filter(([, x]) => x !== undefined));
  return { ...DEFAULT_SPEC, ...(defaultRegistry && { registry_url: defaultRegistry }), ...fromPkg, ...given };
}

/** Whether every release must occupy a sandbox, whatever its closure: asked
 *  for, or the import phase loads the package (a require-time payload needs
 *  no install script, so "no install code" proves nothing). */
export function mustScan(s: PackageSettings, cfg: { scanEveryRelease: boolean; importPhase: boolean }): boolean {
  return cfg.scanEveryRelease || s.scan_every_release === true || loadsPackage(s, cfg.importPhase);
}

/** Whether the package's scans have the import phase (the site's config, unless the package is install-only). */
export function loadsPackage(s: PackageSettings, importPhase: boolean): boolean {
  return importPhase && s.import_phase !== false;
}
