// What every triage step loads about one run: its fingerprints and the
// allowlists that apply to it. Diff and promote share this skeleton.
import type { Kysely, Transaction } from "kysely";
import type { DB, Run } from "../store/schema.ts";
import type { Fingerprint } from "../differ/types.ts";
import type { ConfigAllowEntry } from "../core/config.ts";
import { loadRunEvents } from "../store/events.ts";
import { loadRunFingerprints } from "../store/fingerprints.ts";
import { allowRulesFor } from "../store/allowlist.ts";
import { runExtraction } from "../store/verdicts.ts";
import { extractFingerprints } from "../differ/fingerprint.ts";
import { outlivedProcesses, type Outlived } from "../differ/outlived.ts";
import { allowChecker, type AllowCheck } from "../differ/allow.ts";

export interface RunFingerprints {
  fingerprints: Fingerprint[];
  /** Reduced from events now (to be stored with the run), rather than read back. */
  fresh: boolean;
  /** What outlived the install or the import (differ/outlived.ts), when reduced now. */
  outlived?: Outlived[];
}

/**
 * A run's fingerprints, unfiltered. Read before the write transaction, so
 * reducing events does not hold the database lock. A re-diff or a promote
 * works from the fingerprints stored the first time: by then retention may
 * have pruned all raw events but the pinned evidence.
 */
export async function runFingerprints(db: Kysely<DB>, runId: string): Promise<RunFingerprints> {
  const stored = await loadRunFingerprints(db, runId);
  if (stored.length) return { fingerprints: stored, fresh: false };
  const events = await loadRunEvents(db, runId);
  return { fingerprints: extractFingerprints(events, await runExtraction(db, runId)), fresh: true, outlived: outlivedProcesses(events) };
}

/** The allowlists as they are now: database entries for the package, then the config file's. */
export async function allowedFor(tx: Kysely<DB> | Transaction<DB>, run: Run, configAllow: readonly ConfigAllowEntry[] = []): Promise<AllowCheck> {
  return allowChecker([...(await allowRulesFor(tx, run.package)), ...configAllow], run.package);
}
