// The differ's vocabulary. A fingerprint names the actor as well as the act:
// npm reading ~/.npmrc is baseline; a postinstall script doing so is news.
export const CATEGORIES = [
  "net_new_destination",
  "net_new_https_host",
  "net_new_dns_name",
  "net_new_listen",
  "fs_new_path_read",
  "fs_new_path_write",
  "proc_new_exec",
] as const;
export type Category = (typeof CATEGORIES)[number];

export interface Fingerprint {
  category: Category;
  /** `npm`, `script:<pkg>:<exe>`, or `proc:<exe>` for processes outside npm. */
  actor: string;
  /** Normalized value: a path, `addr:port`, a host name. */
  value: string;
  /** seq of the first event that produced this fingerprint (the evidence). */
  evidenceSeq: number;
}

export function fingerprintKey(f: { category: string; actor: string; value: string }): string {
  return `${f.category}\u0000${f.actor}\u0000${f.value}`;
}

/**
 * Suffix of a value the sensor could not record whole (a path cut at its
 * buffer, an argument it could not read). Such a value says only "something
 * starting like this": it must never match a baseline value, or a long path
 * whose first bytes normalize to a baseline path would pass as that path.
 * findDeviations reports it whatever the baseline holds.
 */
export const INCOMPLETE_MARK = " <incomplete>";

export function isIncompleteValue(value: string): boolean {
  return value.endsWith(INCOMPLETE_MARK);
}
