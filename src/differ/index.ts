// The pure differ: no I/O in this folder. src/triage/ binds it to the store
// (load → decide → persist).
export { extractFingerprints } from "./fingerprint.ts";
export { findDeviations, maxSeverity, type Finding } from "./compare.ts";
export { allowChecker, allowValueError, type AllowRule } from "./allow.ts";
export { classify, SEVERITIES, severityRank, isSeverity, type Severity } from "./severity.ts";
export { fingerprintKey, CATEGORIES, type Category, type Fingerprint } from "./types.ts";
