// First sight: the run that seeds a package's baseline has nothing to be
// compared with, so it is judged by absolute rules instead — the severity
// table (severity.ts) applied to everything the package's own scripts did,
// minus what every install with scripts does. Anything left at ≥ high holds
// the seed in pending as "seeded_with_findings": its fingerprints still form
// the baseline later runs are diffed against, but the package's baseline is
// trusted only once an operator promotes a run. Until a baseline is trusted
// the same absolute findings are raised on every later run too, so an
// unreviewed seed cannot make a later release look clean. Pure: diffRun
// (run.ts) loads, this decides, diffRun persists.
//
// Whose acts count: the package's lifecycle scripts and what they start
// (`script:…`), processes they orphaned (`orphan:…`), and the package's code
// loaded in the import phase (`import:…`, src/differ/phase.ts). npm's own acts (it
// reads ~/.npmrc by design) and the runtime's set-up before npm (`proc:…`)
// are the same for every package.
import type { AllowCheck } from "./allow.ts";
import { NPM_ACTOR } from "./actors.ts";
import { IMPORT_ACTOR } from "./phase.ts";
import type { Finding } from "./compare.ts";
import { classify, severityRank } from "./severity.ts";
import { fingerprintKey, type Category, type Fingerprint } from "./types.ts";

/** Findings at or above this hold a seed. */
export const HOLD_AT = "high";

interface Ordinary { category: Category; match: RegExp; actor?: RegExp; why: string }

/**
 * How packages install, graded ≥ high by the delta table but not a finding
 * on first sight. Each row names the ordinary behaviour it admits; keep it
 * short — every row is room an attacker can use.
 */
export const ORDINARY: readonly Ordinary[] = [
  // `sh -c` from child_process.exec/execSync, make recipes, node-gyp actions.
  { category: "proc_new_exec", match: /(^|\/)(sh|bash|dash|ash|busybox)$/, why: "scripts and build tools run shell commands" },
  // A name lookup through the resolver npm itself used, and the package's
  // own loopback traffic (a test server it starts and talks to). Addresses
  // npm itself fetched from (the registry) are admitted in firstSightFindings.
  { category: "net_new_destination", match: /^<resolver>:53(\/udp)?$|^127\.|^\[::1\]:/, why: "the sandbox's resolver, loopback" },
  // git (prepare scripts, version stamps) reads the user's git identity.
  { category: "fs_new_path_read", match: /(^|\/)\.gitconfig$/, actor: /:git$/, why: "git reading its own configuration" },
  // dotenv in a postinstall reads the package's own .env, not the project's.
  { category: "fs_new_path_read", match: /\/node_modules\/(@[^/]+\/)?[^/]+\/\.env$/, why: "a package's own .env" },
];

function ordinary(f: Fingerprint): boolean {
  return ORDINARY.some((o) => o.category === f.category && o.match.test(f.value) && (!o.actor || o.actor.test(f.actor)));
}

function packageActor(actor: string): boolean {
  return actor.startsWith("script:") || actor.startsWith("orphan:") || actor.startsWith(IMPORT_ACTOR);
}

/** The absolute findings of a run: ≥ HOLD_AT, by the package's scripts, not allowlisted, not ordinary. Worst first. */
export function firstSightFindings(fps: readonly Fingerprint[], allowed: AllowCheck): Finding[] {
  const hold = severityRank(HOLD_AT);
  // The registry's address space: wherever npm itself fetched from in this
  // run (a script downloading its prebuilt binary from the same registry or
  // mirror is how packages install).
  const registry = new Set(fps.filter((f) => f.actor === NPM_ACTOR && f.category === "net_new_destination").map((f) => f.value));
  const out: Finding[] = [];
  for (const f of fps) {
    if (!packageActor(f.actor) || allowed(f) || ordinary(f)) continue;
    if (f.category === "net_new_destination" && registry.has(f.value)) continue;
    const c = classify(f.category, f.value, f.actor);
    if (c.rank >= hold) out.push({ ...f, ...c, reason: `first sight: ${c.reason}` });
  }
  return out.sort((a, b) => b.rank - a.rank || a.evidenceSeq - b.evidenceSeq);
}

export type SeedVerdict = "seeded" | "seeded_with_findings";

export function seedVerdict(findings: readonly Finding[]): SeedVerdict {
  return findings.length ? "seeded_with_findings" : "seeded";
}

/**
 * clean-runs-to-promote = K: a seed without findings is trusted (is_baseline)
 * once clean runs cover K distinct releases, the seed's own release counting
 * as the first. Re-running one release proves nothing: the count is of
 * versions, not runs. K = 1 trusts a finding-free seed at once. A held seed
 * (seeded_with_findings) is trusted only by an operator's promote, whatever K.
 */
export function seedTrusted(k: number, seedVersion: string, cleanVersions: readonly string[]): boolean {
  return new Set([seedVersion, ...cleanVersions]).size >= Math.max(1, k);
}

/** Deviations against an untrusted baseline: the deltas plus the absolute findings the baseline would otherwise hide. */
export function withAbsolute(deltas: readonly Finding[], absolute: readonly Finding[]): Finding[] {
  const seen = new Set(deltas.map(fingerprintKey));
  return [...deltas, ...absolute.filter((f) => !seen.has(fingerprintKey(f)))].sort((a, b) => b.rank - a.rank || a.evidenceSeq - b.evidenceSeq);
}
