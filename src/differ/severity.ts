// Every severity rule in one table, read top to bottom: the first rule whose
// category and pattern match a deviation decides its severity. Levels:
// info < low < medium < high < critical.
import type { Category } from "./types.ts";

export const SEVERITIES = ["info", "low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(s: string): number {
  const i = SEVERITIES.indexOf(s as Severity);
  if (i < 0) throw new Error(`unknown severity ${s}`);
  return i;
}

export function isSeverity(s: string): s is Severity {
  return (SEVERITIES as readonly string[]).includes(s);
}

interface Rule {
  categories: readonly Category[];
  /** Tested against the normalized value. */
  match: RegExp;
  severity: Severity;
  reason: string;
}

const FS = ["fs_new_path_read", "fs_new_path_write"] as const;
const SHELLS = "sh|bash|dash|zsh|ksh|ash|busybox|fish|csh|tcsh";
const DOWNLOADERS = "curl|wget|nc|ncat|netcat|socat|ssh|scp|sftp|ftp|tftp|telnet|openssl|rsync|aria2c";

export const RULES: readonly Rule[] = [
  // Credentials and secrets.
  { categories: FS, match: /(^|\/)\.npmrc$|\/etc\/npmrc$/, severity: "critical", reason: "npm credentials file (.npmrc)" },
  { categories: FS, match: /(^|\/)\.ssh(\/|$)/, severity: "critical", reason: "SSH keys or config" },
  { categories: FS, match: /^\/proc\/[^/]+\/environ$/, severity: "critical", reason: "process environment (/proc/*/environ)" },
  { categories: FS, match: /^\/etc\/(shadow|gshadow|sudoers)/, severity: "critical", reason: "system credential database" },
  { categories: FS, match: /(^|\/)(\.aws\/(credentials|config)|\.config\/gcloud\/|\.azure\/|\.kube\/config|\.docker\/config\.json|\.git-credentials|\.netrc|\.pgpass|\.yarnrc|\.pypirc|\.gnupg\/)/, severity: "high", reason: "cloud or tool credential file" },
  { categories: FS, match: /(^|\/)(\.bash_history|\.zsh_history|\.gitconfig|\.env)$/, severity: "high", reason: "history, git identity or dotenv secrets" },
  // Persistence.
  { categories: ["fs_new_path_write"], match: /(^|\/)(\.bashrc|\.profile|\.bash_profile|\.zshrc)$|^\/etc\/(cron|profile|rc\.local|ld\.so\.preload|systemd\/)|^\/var\/spool\/cron|(^|\/)\.config\/autostart\//, severity: "high", reason: "shell start-up, cron or service file (persistence)" },
  { categories: FS, match: /^\/etc\/(passwd|group|hosts|resolv\.conf)$/, severity: "medium", reason: "system account or name-resolution file" },
  { categories: FS, match: /(^|\/)node_modules\//, severity: "info", reason: "file under node_modules" },
  { categories: FS, match: /^\/dev\/(null|zero|full|u?random|tty|ptmx|pts\/|std(in|out|err)$)|^\/proc\/self\/fd\//, severity: "info", reason: "standard device or own descriptor" },
  { categories: ["fs_new_path_write"], match: /./, severity: "medium", reason: "new file written outside node_modules" },
  { categories: ["fs_new_path_read"], match: /./, severity: "low", reason: "new file read outside node_modules" },
  // Processes.
  { categories: ["proc_new_exec"], match: new RegExp(`(^|/)(${SHELLS})$`), severity: "high", reason: "exec of a shell" },
  { categories: ["proc_new_exec"], match: new RegExp(`(^|/)(${DOWNLOADERS})$`), severity: "high", reason: "exec of a downloader or network tool" },
  { categories: ["proc_new_exec"], match: /(^|\/)(python[0-9.]*|perl|ruby|php|lua)$/, severity: "medium", reason: "exec of another interpreter" },
  { categories: ["proc_new_exec"], match: /(^|\/)(node|nodejs|npm|npx|node-gyp)$/, severity: "low", reason: "new node child" },
  { categories: ["proc_new_exec"], match: /./, severity: "medium", reason: "exec of a new program" },
  // Network.
  { categories: ["net_new_listen"], match: /./, severity: "high", reason: "starts listening on a port" },
  { categories: ["net_new_destination"], match: /^unix:/, severity: "low", reason: "new unix socket peer" },
  { categories: ["net_new_destination"], match: /./, severity: "high", reason: "new network destination" },
  { categories: ["net_new_https_host"], match: /./, severity: "medium", reason: "new HTTPS host (SNI)" },
  { categories: ["net_new_dns_name"], match: /./, severity: "medium", reason: "new DNS name" },
];

export function classify(category: Category, value: string): { severity: Severity; rank: number; reason: string } {
  for (const r of RULES) {
    if (r.categories.includes(category) && r.match.test(value)) return { severity: r.severity, rank: severityRank(r.severity), reason: r.reason };
  }
  return { severity: "low", rank: 1, reason: "new behaviour" };
}
