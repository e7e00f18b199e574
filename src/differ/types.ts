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
  // Exec (or exec attempt) of a file written during the same run, by its real
  // name: the dropper's stage two. Never normalized (fingerprint.ts).
  "proc_exec_written",
  // A planted bait credential found in a captured string (bait.ts).
  "bait_exfiltration",
  // A process that exited after `npm install` did: something the install
  // left running (a detached payload). Needs the sensor's exit events.
  "proc_outlived_install",
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
