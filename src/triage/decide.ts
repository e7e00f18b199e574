// The verdict, decided: a pure function of what the store knows about one run
// and its package's baseline. No I/O here — diff.ts loads the inputs and
// persists what this returns, in one transaction. Every rule that can change
// a run's verdict is in this file or in the differ modules it calls:
//   evidence.ts   — is the evidence whole? ("incomplete" wins over everything)
//   first_sight.ts — absolute rules while there is no trusted baseline
//   runtime.ts    — the sandbox image's own behaviour lies beneath every baseline
//   compare.ts    — what is new against the package's baseline
import type { Run, RunVerdict } from "../store/schema.ts";
import type { Fingerprint } from "../differ/types.ts";
import type { AllowCheck } from "../differ/allow.ts";
import { runEvidence } from "../differ/evidence.ts";
import { findDeviations, type Finding } from "../differ/compare.ts";
import { firstSightFindings, seedTrusted, seedVerdict, withAbsolute } from "../differ/first_sight.ts";
import { beyondRuntime } from "../differ/runtime.ts";

/** What the package's history says about its baseline, as of this run. */
export interface BaselineState {
  /** The run that seeded the package's baseline (oldest), if any besides this one. */
  seed?: { id: string; version: string; verdict: string };
  /** An operator promoted a run, or a finding-free seed was borne out (some run is_baseline). */
  trusted: boolean;
  /** Clean runs since the seed that are not yet in the baseline. */
  cleanIds: string[];
  cleanVersions: string[];
}

export interface VerdictInput {
  run: Run;
  /** The run's fingerprints, unfiltered. */
  fingerprints: readonly Fingerprint[];
  /** Allowlists (database and config file) as they are now. */
  allowed: AllowCheck;
  state: BaselineState;
  /** Keys of the package's baseline fingerprints. */
  baselineKeys: ReadonlySet<string>;
  /** Keys of the run's sandbox image's runtime baseline. */
  runtimeKeys: ReadonlySet<string>;
  /** clean-runs-to-promote: distinct releases a finding-free seed needs before it is trusted. */
  cleanRunsToPromote: number;
}

export interface VerdictDecision {
  verdict: RunVerdict;
  findings: Finding[];
  /** Why the evidence is incomplete (empty when it is whole). */
  issues: string[];
  /** Fingerprints to merge into the package's baseline (allowlisted ones left out), or none. */
  merge: Fingerprint[] | null;
  /** The run is now part of the trusted baseline. */
  isBaseline: boolean;
  /** Earlier runs that become trusted with this one (a seed borne out by K releases). */
  alsoTrusted: string[];
  audit: "baseline.seed" | "baseline.autopromote" | "run.diff";
}

export function decideVerdict(i: VerdictInput): VerdictDecision {
  const { run, fingerprints: fps, allowed, state } = i;
  const kept = fps.filter((f) => !allowed(f));
  // A run whose fingerprints are already in the baseline (a baseline run, or a
  // re-diffed seed) is not merged twice; membership is never taken back.
  const alreadyMerged = run.is_baseline === 1 || run.verdict === "seeded" || run.verdict === "seeded_with_findings";
  const merge = alreadyMerged ? null : kept;
  const wasBaseline = run.is_baseline === 1;
  const untrustedAbsolute = (deltas: Finding[]) => (state.trusted ? deltas : withAbsolute(deltas, firstSightFindings(fps, allowed)));
  const decision = (d: Partial<VerdictDecision> & Pick<VerdictDecision, "verdict">): VerdictDecision => {
    const isBaseline = wasBaseline || !!d.isBaseline;
    const seeded = d.verdict === "seeded" || d.verdict === "seeded_with_findings";
    return { findings: [], issues: [], merge: null, alsoTrusted: [], ...d, isBaseline, audit: seeded ? "baseline.seed" : isBaseline ? "baseline.autopromote" : "run.diff" };
  };

  // Incomplete evidence is still judged (against the baseline, or by the
  // absolute rules when there is none yet or it is untrusted) but never
  // seeds, extends or auto-promotes one.
  const evidence = runEvidence(run);
  if (!evidence.complete) {
    const findings = state.seed ? untrustedAbsolute(findDeviations(fps, i.baselineKeys, allowed)) : firstSightFindings(fps, allowed);
    return decision({ verdict: "incomplete", findings, issues: evidence.issues });
  }

  // First sight: judged by absolute rules; the fingerprints seed the baseline
  // either way, for later deltas. A seed with findings is held; one without
  // is trusted at once only when clean-runs-to-promote asks for no more.
  if (!state.seed) {
    const findings = firstSightFindings(fps, allowed);
    if (seedVerdict(findings) === "seeded_with_findings") return decision({ verdict: "seeded_with_findings", findings, merge });
    return decision({ verdict: "seeded", merge, isBaseline: seedTrusted(i.cleanRunsToPromote, run.version, []) });
  }

  // Against the baseline, above the image's runtime layer.
  const findings = untrustedAbsolute(findDeviations(beyondRuntime(fps, i.runtimeKeys), i.baselineKeys, allowed));
  if (findings.length > 0) return decision({ verdict: "deviations", findings });
  if (state.trusted) return decision({ verdict: "clean", merge, isBaseline: true });
  if (state.seed.verdict === "seeded" && seedTrusted(i.cleanRunsToPromote, state.seed.version, [...state.cleanVersions, run.version])) {
    // The finding-free seed has now been borne out by K distinct releases.
    return decision({ verdict: "clean", merge, isBaseline: true, alsoTrusted: [state.seed.id, ...state.cleanIds] });
  }
  return decision({ verdict: "clean" });
}
