// A run's fingerprints against its package's baseline: what is new, how bad.
import type { AllowCheck } from "./allow.ts";
import { classify, type Severity } from "./severity.ts";
import { fingerprintKey, isIncompleteValue, type Fingerprint } from "./types.ts";

export interface Finding extends Fingerprint { severity: Severity; rank: number; reason: string }

/**
 * Fingerprints not allowlisted and not in `baseline` (a set of fingerprintKey).
 * An incomplete value (cut path, unreadable argument) is never "in" the
 * baseline: it could be anything that starts that way.
 */
export function findDeviations(fps: readonly Fingerprint[], baseline: ReadonlySet<string>, allowed: AllowCheck): Finding[] {
  const out: Finding[] = [];
  for (const f of fps) {
    if ((baseline.has(fingerprintKey(f)) && !isIncompleteValue(f.value)) || allowed(f)) continue;
    out.push({ ...f, ...classify(f.category, f.value) });
  }
  // Worst first, then by first appearance.
  return out.sort((a, b) => b.rank - a.rank || a.evidenceSeq - b.evidenceSeq);
}

export function maxSeverity(findings: readonly Finding[]): Severity | null {
  let best: Finding | undefined;
  for (const f of findings) if (!best || f.rank > best.rank) best = f;
  return best?.severity ?? null;
}
