// Every severity rule in one table, read top to bottom: the first rule whose
// category and pattern match a deviation decides its severity. Levels:
// info < low < medium < high < critical. The exfiltration-channel table the
// name rules use lives here too (exfil.ts holds its data), so what an attacker
// does is graded in one place.
import type { Category } from "./types.ts";
import { APP_HOSTING, EXFIL_CHANNELS } from "./exfil.ts";
import { packageFromPath } from "./actors.ts";

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
  /** When set, the rule applies only to fingerprints of a matching actor. */
  actor?: RegExp;
  /** When set, a further test of the value against the actor. */
  test?: (value: string, actor: string) => boolean;
  severity: Severity;
  reason: string;
}

/**
 * The consuming project npm installs into (npm's INIT_CWD): the sandbox's
 * working directory. Keep in sync with WORKDIR in src/runner/sandbox/spec.ts
 * (severity.test.ts checks it).
 */
export const PROJECT_DIR = "/srv/install";

const FS = ["fs_new_path_read", "fs_new_path_write"] as const;
const WRITE = ["fs_new_path_write"] as const;
const NAMES = ["net_new_https_host", "net_new_dns_name"] as const;
const SHELLS = "sh|bash|dash|zsh|ksh|ash|busybox|fish|csh|tcsh";
const DOWNLOADERS = "curl|wget|nc|ncat|netcat|socat|ssh|scp|sftp|ftp|tftp|telnet|openssl|rsync|aria2c";
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const PROJECT = esc(PROJECT_DIR);
/** Container-runtime control sockets: talking to one is a sandbox escape attempt. */
const RUNTIME_SOCKET = /(^|\/)(docker|containerd|podman|crio|cri-dockerd|dockershim|buildkitd|containerd-shim[^/]*)\.sock$|\/(docker|containerd|podman|crio|buildkit)\/[^/]*\.sock$|containerd-shim\//;
/** Marks fingerprint.ts puts in front of a value whose evidence is not a whole path. */
export const TRUNCATED = "<truncated> ";
export const UNREADABLE = "<unreadable> ";

export const RULES: readonly Rule[] = [
  // Evidence the sensor could not record whole (sensor branch fields): the
  // value never equals a baseline value (compare.ts), and it is never quiet.
  { categories: ["fs_new_path_read", "fs_new_path_write", "proc_new_exec", "proc_exec_written"], match: /^<(truncated|unreadable)> /, severity: "medium", reason: "path recorded truncated or unreadable" },
  // What no honest install does.
  { categories: ["bait_exfiltration"], match: /./, severity: "critical", reason: "bait exfiltration: a planted credential left in a captured string" },
  { categories: ["proc_exec_written"], match: /./, severity: "critical", reason: "exec of a file written during the same run" },
  { categories: ["proc_outlived_install"], actor: /^import:/, match: /./, severity: "high", reason: "a process still alive after the import loader exited (left running by loading the package)" },
  { categories: ["proc_outlived_install"], match: /./, severity: "high", reason: "a process still alive after npm install exited (left running by the install)" },
  { categories: ["net_new_destination"], match: new RegExp(`^unix:.*(${RUNTIME_SOCKET.source})`), severity: "critical", reason: "container-runtime socket (sandbox escape)" },
  { categories: FS, match: RUNTIME_SOCKET, severity: "critical", reason: "container-runtime socket (sandbox escape)" },
  { categories: FS, match: /^\/proc\/[^/]+\/(task\/[^/]+\/)?(mem|environ)$/, severity: "critical", reason: "another process's memory or environment (/proc/*/mem, /proc/*/environ)" },
  { categories: NAMES, match: EXFIL_CHANNELS.pattern, severity: "critical", reason: "exfiltration or tunnelling channel (paste site, webhook collector, chat webhook, tunnel, GitHub API, form endpoint, out-of-band testing domain)" },
  { categories: NAMES, match: APP_HOSTING.pattern, severity: "high", reason: "free app or function hosting (where collectors are hosted behind CDN addresses)" },
  // Credentials and secrets.
  { categories: FS, match: /(^|\/)\.npmrc$|\/etc\/npmrc$/, severity: "critical", reason: "npm credentials file (.npmrc)" },
  { categories: FS, match: /(^|\/)\.ssh(\/|$)/, severity: "critical", reason: "SSH keys or config" },
  { categories: FS, match: /^\/etc\/(shadow|gshadow|sudoers)/, severity: "critical", reason: "system credential database" },
  { categories: FS, match: /(^|\/)(\.aws\/(credentials|config)|\.config\/gcloud\/|\.azure\/|\.kube\/config|\.docker\/config\.json|\.git-credentials|\.netrc|\.pgpass|\.yarnrc|\.pypirc|\.gnupg\/)/, severity: "high", reason: "cloud or tool credential file" },
  { categories: FS, match: /(^|\/)(\.bash_history|\.zsh_history|\.gitconfig|\.env)$/, severity: "high", reason: "history, git identity or dotenv secrets" },
  // Persistence and writes into the project that installs the package.
  { categories: WRITE, match: /(^|\/)(\.git\/hooks|\.github\/workflows|\.vscode|\.claude|\.idea|\.husky)(\/|$)/, severity: "critical", reason: "write into git hooks, CI workflows or editor/agent config (runs code later)" },
  { categories: WRITE, match: /(^|\/)(\.bashrc|\.profile|\.bash_profile|\.bash_login|\.bash_logout|\.zshrc|\.zshenv|\.zprofile|\.kshrc|\.cshrc|\.tcshrc|\.config\/fish\/)/, severity: "critical", reason: "shell start-up file (persistence)" },
  { categories: WRITE, match: /^\/etc\/(cron|profile|rc\.local|ld\.so\.preload|systemd\/|environment$|bash\.bashrc$)|^\/var\/spool\/cron|(^|\/)\.config\/(autostart|systemd)\//, severity: "high", reason: "cron, service, loader or login file (persistence)" },
  { categories: WRITE, match: new RegExp(`^${PROJECT}/(?!node_modules/)`), severity: "high", reason: "write into the consuming project (INIT_CWD) outside node_modules" },
  { categories: FS, match: /^\/etc\/(passwd|group|hosts|resolv\.conf)$/, severity: "medium", reason: "system account or name-resolution file" },
  { categories: WRITE, match: /(^|\/)node_modules\//, test: writesAnotherPackage, severity: "high", reason: "a script writes into another package's files or node_modules/.bin (tampering, shim hijack)" },
  { categories: FS, match: /(^|\/)node_modules\//, severity: "info", reason: "file under node_modules" },
  { categories: FS, match: /^\/dev\/(null|zero|full|u?random|tty|ptmx|pts\/|std(in|out|err)$)|^\/proc\/self\/fd\//, severity: "info", reason: "standard device or own descriptor" },
  { categories: WRITE, match: /./, severity: "medium", reason: "new file written outside node_modules" },
  { categories: ["fs_new_path_read"], match: /./, severity: "low", reason: "new file read outside node_modules" },
  // Processes. npm itself starts a lifecycle script as `sh -c <script>`:
  // news only in that the release has a new install script, whose own acts
  // are graded under its script actor.
  { categories: ["proc_new_exec"], actor: /^npm$/, match: new RegExp(`(^|/)(${SHELLS})$`), severity: "low", reason: "npm starts a lifecycle script (a new install script)" },
  { categories: ["proc_new_exec"], match: new RegExp(`(^|/)(${SHELLS})$`), severity: "high", reason: "exec of a shell" },
  { categories: ["proc_new_exec"], match: new RegExp(`(^|/)(${DOWNLOADERS})$`), severity: "high", reason: "exec of a downloader or network tool" },
  { categories: ["proc_new_exec"], match: /(^|\/)(python[0-9.]*|perl|ruby|php|lua)$/, severity: "medium", reason: "exec of another interpreter" },
  { categories: ["proc_new_exec"], match: /(^|\/)(node|nodejs|npm|npx|node-gyp)$/, severity: "low", reason: "new node child" },
  { categories: ["proc_new_exec"], match: /./, severity: "medium", reason: "exec of a new program" },
  // Network.
  // glibc's getaddrinfo asks the kernel for the host's addresses over a
  // NETLINK_ROUTE socket (protocol 0) before any lookup: every DNS-using
  // program opens one. Other netlink families (audit, uevents) stay graded.
  { categories: ["net_new_listen"], match: /^socket:netlink\/[a-z]+\/0$/, severity: "low", reason: "routing netlink socket (as glibc's getaddrinfo opens before a lookup)" },
  { categories: ["net_new_listen"], match: /^socket:/, severity: "high", reason: "raw, packet or netlink socket (sees traffic no listen() announces)" },
  { categories: ["net_new_listen"], match: /./, severity: "high", reason: "starts listening on a port" },
  { categories: ["net_new_destination"], match: /^unix:/, severity: "low", reason: "new unix socket peer" },
  { categories: ["net_new_destination"], match: /./, severity: "high", reason: "new network destination" },
  { categories: ["net_new_https_host"], match: /./, severity: "medium", reason: "new HTTPS host (SNI)" },
  { categories: ["net_new_dns_name"], match: /./, severity: "medium", reason: "new DNS name" },
];

/** A script (`script:<pkg>:<bin>`) writing under node_modules/.bin or into a package other than its own. */
function writesAnotherPackage(value: string, actor: string): boolean {
  const m = /^script:(.+):[^:]*$/.exec(actor);
  if (!m || m[1] === "?") return false;
  // A link-class value is "<name> -> <old name or content>": the name is what is written.
  const name = value.split(" -> ")[0];
  if (/\/node_modules\/\.bin\//.test(name)) return true;
  const target = packageFromPath(name);
  return target !== undefined && target !== m[1];
}

export function classify(category: Category, value: string, actor = ""): { severity: Severity; rank: number; reason: string } {
  for (const r of RULES) {
    if (r.categories.includes(category) && r.match.test(value) && (!r.actor || r.actor.test(actor)) && (!r.test || r.test(value, actor))) return { severity: r.severity, rank: severityRank(r.severity), reason: r.reason };
  }
  return { severity: "low", rank: 1, reason: "new behaviour" };
}
