// The operator's mutations as the JSON API takes and answers them (see
// src/orchestrator/API.md): one body schema per endpoint, checked at the edge
// with valibot, and one result shape per service function (src/service/),
// which the CLI prints the same way whether it ran the service itself or
// asked a remote orchestrator.
import * as v from "valibot";
import { DURATION, MEMORY_MB, PackageSettings, REGISTRY_URL } from "./package_settings.ts";
import { NETWORK_MODE } from "./sandbox.ts";
import { RUNNER_ID } from "./runner.ts";
import { isExactVersion, isRegistryVersion, packageNameError } from "./npm_names.ts";
import type { AllowJson, RunJson } from "./api.ts";

// npm's naming rules and exact SemVer (protocol/npm_names.ts); the messages never quote the input.
export const PACKAGE_NAME = v.pipe(v.string(), v.maxLength(214), v.check((n) => packageNameError(n) === undefined, "not a valid npm package name"));
export const VERSION_STR = v.pipe(v.string(), v.maxLength(256), v.check(isExactVersion, "not an exact version (e.g. 1.2.3): resolve a tag or range first, as fangs scan submit does"));
const SHORT = (max: number) => v.pipe(v.string(), v.maxLength(max, `at most ${max} characters`));
/** A run, allowlist entry or deviation id, or a unique prefix of one (as the CLI takes them). */
export const ID_PREFIX = v.pipe(v.string(), v.regex(/^[0-9a-z]{1,64}$/, "an id or unique id prefix: lowercase letters and digits"));

export const ScanRequest = v.strictObject({
  package: PACKAGE_NAME,
  version: VERSION_STR,
  runner: v.optional(v.nullable(RUNNER_ID)),
  duration: v.optional(DURATION),
  network: v.optional(NETWORK_MODE),
  registry_url: v.optional(REGISTRY_URL),
  memory_mb: v.optional(MEMORY_MB),
});
/** As sent (the orchestrator parses durations like 90s itself). */
export type ScanRequest = v.InferInput<typeof ScanRequest>;

export const PackageAddRequest = v.strictObject({
  name: PACKAGE_NAME,
  version: v.optional(v.nullable(VERSION_STR)),
  settings: v.optional(PackageSettings, {}),
  skip_registry_validate: v.optional(v.boolean()),
  skip_initial_scan: v.optional(v.boolean()),
});
export type PackageAddRequest = v.InferInput<typeof PackageAddRequest>;

export const PackageSetRequest = v.strictObject({ settings: v.optional(PackageSettings, {}), reset: v.optional(v.boolean()) });
export type PackageSetRequest = v.InferInput<typeof PackageSetRequest>;

export const AllowAddRequest = v.strictObject({
  kind: SHORT(16),
  value: SHORT(1024),
  package: v.optional(v.nullable(PACKAGE_NAME)),
  note: v.optional(v.nullable(SHORT(500))),
  /** Which tool the operator used (the audit actor says who): the CLI in remote mode says "cli". */
  source: v.optional(v.picklist(["cli", "api"], "source: cli or api")),
});
export type AllowAddRequest = v.InferInput<typeof AllowAddRequest>;

export const NotifierAddRequest = v.strictObject({
  name: SHORT(64),
  url: SHORT(2048),
  template: SHORT(16),
  secret_env: v.optional(v.nullable(SHORT(128))),
  min_severity: v.optional(v.nullable(SHORT(16))),
  /** The headers object, or its JSON text as `-headers` takes it. */
  headers: v.optional(v.nullable(v.union([SHORT(64 * 1024), v.record(v.string(), v.string())]))),
  enabled: v.optional(v.boolean()),
});
export type NotifierAddRequest = v.InferInput<typeof NotifierAddRequest>;

/** At most this many packages in one import (a big monorepo's closure is a few thousand). */
export const MAX_IMPORT_PACKAGES = 50_000;
const LIST = <T extends v.GenericSchema>(item: T, max: number) => v.pipe(v.array(item), v.maxLength(max, `at most ${max} items`));

/** One package of a lockfile as the CLI parsed it where the file is: the server decides what to watch. */
export const ImportPackage = v.strictObject({
  name: PACKAGE_NAME,
  versions: v.pipe(LIST(v.pipe(v.string(), v.check((x: string) => isRegistryVersion(x), "a registry version as lockfiles write it (1.2.3)")), 1000), v.minLength(1, "at least one version")),
  /** What the lockfile records (null: it does not say). */
  install_script: v.nullable(v.boolean()),
  /** The tarball URLs the lockfile resolved it from. */
  resolved: v.optional(LIST(SHORT(4096), 1000), []),
});
export type ImportPackage = v.InferOutput<typeof ImportPackage>;

export const PackageImportRequest = v.strictObject({
  /** The lockfile's absolute path on the operator's machine: the source the packages are attributed to. */
  source: v.pipe(SHORT(4096), v.minLength(1, "the lockfile's path")),
  format: v.picklist(["npm", "yarn-v1", "pnpm"], "npm, yarn-v1 or pnpm"),
  lockfile_version: SHORT(32),
  packages: LIST(ImportPackage, MAX_IMPORT_PACKAGES),
  /** What the lockfile holds that is not from a registry (git, file, tarball). */
  skipped: v.optional(LIST(v.strictObject({ package: PACKAGE_NAME, reason: SHORT(500) }), MAX_IMPORT_PACKAGES), []),
  settings: v.optional(PackageSettings, {}),
  dry_run: v.optional(v.boolean()),
  only_install_scripts: v.optional(v.boolean()),
  skip_initial_scan: v.optional(v.boolean()),
  skip_registry_validate: v.optional(v.boolean()),
  concurrency: v.optional(v.pipe(v.number(), v.integer("a whole number"), v.minValue(1, "at least 1"), v.maxValue(32, "at most 32"))),
});
export type PackageImportRequest = v.InferInput<typeof PackageImportRequest>;

export const NotifierEnableRequest = v.strictObject({ enabled: v.boolean() });

export interface PackageAddResult { package: string; last_seen_version: string | null; settings: PackageSettings; registry: string; kickoff_run_id: string | null; kickoff_version: string | null }
/** What `fangs package import` did (or, dry run, would do). */
export interface PackageImportResult {
  source: string; format: string; lockfile_version: string; registry: string; settings: PackageSettings; dry_run: boolean;
  added: Array<{ package: string; version: string; last_seen_version: string | null; install_script: boolean | null; kickoff_run_id: string | null }>;
  already_watched: string[];
  skipped: Array<{ package: string; reason: string }>;
  left: string[];
}
/** Registry look-ups of an import: `checked` of `of` done (0 when they start). */
export interface ImportProgress { checked: number; of: number; registry: string; concurrency: number }
export interface PackageRemoveResult { package: string; watched: false }
export interface PackageSetResult { package: string; registry: string; settings: PackageSettings }
export type AllowResult = AllowJson;
export interface PromoteResult { run_id: string; package: string; version: string; merged_fingerprints: number; allowlisted: number; cleared_deviations: number }
export interface NotifierJson { id: string; name: string; template: string; url: string; secret_env: string | null; min_severity: string | null; header_names: string[]; enabled: boolean; created_at: string; created_at_ms: number }
export interface NotifierToggleResult { notifier: NotifierJson; changed: boolean }
export interface ScanResult { run_id: string; status: string; queued: true; runners_alive: number; warning: string | null; urls: { api: string; ui: string }; run: RunJson }

/**
 * The operator's changes, one method each: implemented once over the database
 * (src/service/operator.ts, binding who acts) and once over HTTP
 * (src/client/orchestrator.ts), so the CLI runs the same code either way and
 * the compiler keeps the two in step.
 */
export interface OperatorApi {
  watchPackage(b: PackageAddRequest): Promise<PackageAddResult>;
  setPackage(name: string, b: PackageSetRequest): Promise<PackageSetResult>;
  unwatchPackage(name: string): Promise<PackageRemoveResult>;
  importPackages(b: PackageImportRequest, onProgress?: (p: ImportProgress) => void): Promise<PackageImportResult>;
  allowAdd(b: AllowAddRequest): Promise<AllowResult>;
  allowRemove(idOrPrefix: string): Promise<AllowResult>;
  promote(runIdOrPrefix: string): Promise<PromoteResult>;
  notifierAdd(b: NotifierAddRequest): Promise<NotifierJson>;
  notifierRemove(name: string): Promise<NotifierJson>;
  notifierSetEnabled(name: string, enabled: boolean): Promise<NotifierToggleResult>;
}
