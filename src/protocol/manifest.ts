// The install manifest (issue 14): what a run's install put on disk, as the
// registry published it. The runner builds it in a separate, script-free
// container (src/manifest/collect.ts) and sends it with
//   POST /v1/runs/:run/manifest   InstallManifest -> { ok: true, bytes }
// before the finish, so the orchestrator can diff it against the baseline
// release's when the run ends. Every bound below is enforced at the edge.
import * as v from "valibot";

export const LIFECYCLE_STEPS = ["preinstall", "install", "postinstall", "prepare"] as const;
export type LifecycleStep = (typeof LIFECYCLE_STEPS)[number];

/** Bounds (the collector stays under them; the edge refuses more). */
export const MANIFEST_LIMITS = {
  packages: 5000,
  files: 20_000,
  /** Text kept for content diffs: per file, and in total. */
  textBytes: 16 * 1024,
  scriptTextBytes: 64 * 1024,
  totalTextBytes: 1024 * 1024,
  scriptBytes: 4096,
  /** The whole JSON document (the manifest route's body cap). */
  bytes: 8 * 1024 * 1024,
} as const;

const str = (max: number) => v.pipe(v.string(), v.maxLength(max));
const sha256 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, "sha256: 64 hex digits"));

export const ManifestFile = v.object({ path: str(1024), size: v.pipe(v.number(), v.integer(), v.minValue(0)), sha256 });
export type ManifestFile = v.InferOutput<typeof ManifestFile>;

export const ManifestPackage = v.object({
  /** node_modules path, e.g. "node_modules/a/node_modules/b" ("" never: the root project is left out). */
  path: str(2048),
  name: str(214),
  version: str(256),
  resolved: v.nullable(str(2048)),
  integrity: v.nullable(str(1024)),
  /** npm's hasInstallScript, or a binding.gyp (implicit node-gyp rebuild). */
  install_scripts: v.boolean(),
  binding_gyp: v.boolean(),
  /** Lifecycle scripts as published; an implicit `node-gyp rebuild` appears as install with implicit true. */
  scripts: v.pipe(v.array(v.object({ step: v.picklist(LIFECYCLE_STEPS), command: str(MANIFEST_LIMITS.scriptBytes), implicit: v.optional(v.boolean()) })), v.maxLength(4)),
  files: v.optional(v.pipe(v.array(ManifestFile), v.maxLength(MANIFEST_LIMITS.files))),
  files_truncated: v.optional(v.boolean()),
  /** Small text files (path → content), for content diffs: the scanned
   *  package's, and the JS files a lifecycle script names. */
  texts: v.optional(v.record(str(1024), str(MANIFEST_LIMITS.scriptTextBytes))),
});
export type ManifestPackage = v.InferOutput<typeof ManifestPackage>;

export const InstallManifest = v.object({
  format: v.literal(1),
  package: str(214),
  version: str(256),
  /** How it was taken: a fresh container ran `npm install --ignore-scripts`
   *  from the run's registry (npm checks every tarball against dist.integrity). */
  method: v.literal("script-free-install"),
  npm_exit: v.nullable(v.pipe(v.number(), v.integer())),
  error: v.optional(str(2000)),
  packages: v.pipe(v.array(ManifestPackage), v.maxLength(MANIFEST_LIMITS.packages)),
  truncated: v.boolean(),
  collect_ms: v.optional(v.pipe(v.number(), v.minValue(0))),
});
export type InstallManifest = v.InferOutput<typeof InstallManifest>;
