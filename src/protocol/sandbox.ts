// The sandbox spec a scan carries from submission to the runner. Defaults are
// the threat model's; a scan may override network, registry and memory.
import * as v from "valibot";

export const NETWORK_MODE = v.union([
  v.literal("bridge"),
  v.literal("none"),
  v.pipe(v.string(), v.regex(/^container:[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, "network must be bridge, none or container:<name>")),
]);

export const SandboxSpec = v.object({
  network: v.optional(NETWORK_MODE, "bridge"),
  /** npm registry the sandboxed npm installs from. */
  registry_url: v.optional(v.pipe(v.string(), v.url(), v.maxLength(2048)), "https://registry.npmjs.org/"),
  memory_mb: v.optional(v.pipe(v.number(), v.integer(), v.minValue(64), v.maxValue(65536)), 512),
  duration_s: v.optional(v.pipe(v.number(), v.minValue(1), v.maxValue(3600)), 60),
  /** Override of the runner's sandbox image, rarely needed. */
  image: v.optional(v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9._\/:@-]{0,255}$/))),
  /** After the install (and once it is quiet), load the package as a consumer
   *  would (require() and import() of its entries) under the same observation.
   *  false: the manual's install-only scan. */
  import_phase: v.optional(v.boolean(), true),
  /** The import phase's bounded wait (seconds) for timers and work the package leaves in its event loop. */
  import_wait_s: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(60)), 5),
});
export type SandboxSpec = v.InferOutput<typeof SandboxSpec>;
export const DEFAULT_SPEC: SandboxSpec = v.parse(SandboxSpec, {});

/** Exit codes the sandbox is known for (Docker's conventions): the runner
 *  reports them, the orchestrator records their meaning, the CLI shows it. */
export const EXIT_OOM = 137;
export const EXIT_DOCKER_START = 125;

/** The operator-facing meaning of an exit code, long and short (tables).
 *  137 is SIGKILL: the memory limit's when the install ended by itself, the
 *  runner's own kill when it hit the duration limit (timed_out). */
export function exitReason(code: number | null, status?: string): string | null {
  if (code === EXIT_OOM) return status === "timed_out" ? "killed at the duration limit" : "OOM-killed by the sandbox memory limit";
  if (code === EXIT_DOCKER_START) return "Docker could not start the container";
  return null;
}
export function exitLabel(code: number | null, status?: string): string {
  if (code === null) return "-";
  if (code === EXIT_OOM) return status === "timed_out" ? "137 killed" : "137 oom";
  if (code === EXIT_DOCKER_START) return "125 docker";
  return String(code);
}
