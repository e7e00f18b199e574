// The runtime baseline: what the sandbox image itself does when npm runs a
// lifecycle script that does nothing (`sh -c`, node starting and exiting,
// the loader's hwcaps probes, libstdc++, openssl.cnf, cgroup limits,
// /proc/self/maps). Learned once per image (by image id) from a control
// install the runner performs (src/runner/control.ts) and applied beneath
// every package's baseline, so the release that gains its first install
// script shows what that script does beyond a bare start.
//
// The control is also loaded in the import phase (node starting, resolving
// and loading a module: `import:<bin>` actors, which name no package and are
// learned as they are), so node's own start-up under the import phase is not
// news either.
//
// Only the control package's script actors are learned, with the package
// left out (`script:*:<bin>`): npm's own acts stay per package (npm starting
// a lifecycle shell is how a new install script shows), and nothing a
// package's script does beyond the control's bare start is covered.
import { fingerprintKey, type Category, type Fingerprint } from "./types.ts";
import { unverifiable } from "./compare.ts";
import { classify, severityRank } from "./severity.ts";
import { IMPORT_ACTOR } from "./phase.ts";

/**
 * A bare start does nothing above low (library and /proc/self reads, the
 * shell starting node). The runtime layer never covers more than that, so
 * rows a compromised runner might report ("script:*:node /root/.npmrc") hide
 * nothing that matters.
 */
const RUNTIME_MAX = severityRank("low");

export const ANY_SCRIPT = "script:*:";

export interface RuntimeFingerprint { category: Category; actor: string; value: string }

const SCRIPT = /^script:.+:([^:]*)$/;

/** The control run's script fingerprints as runtime rows (package left out). */
export function runtimeFingerprints(fps: readonly Fingerprint[], controlPackage: string): RuntimeFingerprint[] {
  const out = new Map<string, RuntimeFingerprint>();
  for (const f of fps) {
    // The control package's own files are not the runtime's.
    if (f.value.includes(`/node_modules/${controlPackage}/`)) continue;
    if (f.actor.startsWith(IMPORT_ACTOR)) {
      const row = { category: f.category, actor: f.actor, value: f.value };
      out.set(fingerprintKey(row), row);
      continue;
    }
    const m = SCRIPT.exec(f.actor);
    if (!m || !f.actor.startsWith(`script:${controlPackage}:`)) continue;
    const row = { category: f.category, actor: ANY_SCRIPT + m[1], value: f.value };
    out.set(fingerprintKey(row), row);
  }
  return [...out.values()];
}

/** The runtime-baseline key a fingerprint would match, or undefined for non-script actors. */
export function runtimeKey(f: Pick<Fingerprint, "category" | "actor" | "value">): string | undefined {
  if (f.actor.startsWith(IMPORT_ACTOR)) return fingerprintKey(f);
  const m = SCRIPT.exec(f.actor);
  return m ? fingerprintKey({ category: f.category, actor: ANY_SCRIPT + m[1], value: f.value }) : undefined;
}

/** Fingerprints the runtime baseline does not cover. */
export function beyondRuntime<T extends Pick<Fingerprint, "category" | "actor" | "value">>(fps: readonly T[], runtime: ReadonlySet<string>): T[] {
  if (runtime.size === 0) return [...fps];
  return fps.filter((f) => {
    if (unverifiable(f.value)) return true;
    const k = runtimeKey(f);
    return k === undefined || !runtime.has(k) || classify(f.category, f.value, f.actor).rank > RUNTIME_MAX;
  });
}
