// THE normalization module: everything that differs between two honest
// installs of the same release is rewritten to a placeholder here, and
// nowhere else. The peer that gave up diffing did so because temp and cache
// names made every run look new, so each rule below names the noise it kills.
// Rules never touch host names, addresses or ports: those are the signal.

/** [pattern, replacement, cheap test that must pass for the pattern to be tried]. */
type Rule = [RegExp, string, ((p: string) => boolean)?];

// Most paths touch none of the rules below; a substring test first skips the
// regex (normalization is most of the differ's extraction time).
const has = (s: string) => (p: string) => p.includes(s);
const under = (...roots: string[]) => (p: string) => roots.some((r) => p.startsWith(r));

/** Marks the rule whose replacement is computed (numbers under a package dir). */
const PKG_NUMBERS = "<pkg-numbers>";

// Applied in order to every path (file opens, exec targets, unix sockets).
const PATH_RULES: Rule[] = [
  // npm's content-addressed cache and its logs: names are hashes and times.
  [/(^|\/)\.npm\/_cacache(\/.*)?$/, "$1.npm/_cacache/<cache>", has(".npm/")],
  [/(^|\/)\.npm\/_logs\/[^/]*$/, "$1.npm/_logs/<log>", has(".npm/")],
  [/(^|\/)\.npm\/_npx\/[^/]+/, "$1.npm/_npx/<hash>", has(".npm/")],
  [/(^|\/)\.npm\/_update-notifier-last-checked$/, "$1.npm/_update-notifier-last-checked", has(".npm/")],
  // Hoisting: where npm places a dependency (node_modules/a/node_modules/b
  // or node_modules/b) changes between honest releases; the package does not.
  [/\/node_modules\/(?:(?:@[^/]+\/)?[^/.][^/]*\/node_modules\/)+/g, "/node_modules/", has("node_modules/")],
  // Staging dirs of old npm and the `.name-XXXXXXXX` rename dirs of npm 7+.
  [/(^|\/)node_modules\/\.staging(\/.*)?$/, "$1node_modules/.staging/<staging>", has("node_modules/")],
  [/(^|\/node_modules\/(?:@[^/]+\/)?)\.([^/]+?)-[A-Za-z0-9]{8}(?=\/|$)/, "$1.$2-<rand>", has("node_modules/")],
  // Per-process kernel views: /proc/1234/..., thread ids, fds, pts.
  [/^\/proc\/\d+(?=\/|$)/, "/proc/<pid>", under("/proc/")],
  [/\/task\/\d+(?=\/|$)/, "/task/<tid>", has("/task/")],
  [/^\/proc\/(<pid>|self|thread-self)\/fd\/\d+$/, "/proc/$1/fd/<fd>", under("/proc/")],
  [/^\/dev\/pts\/\d+$/, "/dev/pts/<n>", under("/dev/pts/")],
  // Temp dirs: npm-<pid>-<hex>, mkdtemp's 6-char suffixes, pids in names.
  [/^(\/tmp|\/var\/tmp|\/dev\/shm)\/npm-[^/]+/, "$1/npm-<tmp>", under("/tmp/", "/var/tmp/", "/dev/shm/")],
  [/^(\/tmp|\/var\/tmp|\/dev\/shm)(\/.*)$/, "<tmpdir>", under("/tmp/", "/var/tmp/", "/dev/shm/")],
  // An atomic write's temp name in a tool's cache (@swc/core: publish-UcwMVy.tmp
  // before the rename): random by design, and only there.
  [/^(\/root\/\.cache\/.*[-_])(?=[a-z]*[0-9A-Z])[A-Za-z0-9]{6,}\.tmp$/, "$1<rand>.tmp", under("/root/.cache/")],
  // Timestamps and hashes anywhere.
  [/\d{4}-\d{2}-\d{2}T\d{2}[_:]\d{2}[_:]\d{2}(?:[_.:]\d+)?Z/g, "<time>"],
  [/(?<![0-9a-f])[0-9a-f]{16,}(?![0-9a-f])/gi, "<hash>"],
  // runc's view of the container root on the host: Docker's data root varies by host.
  [/^\/.*\/overlay2\/<hash>\/merged(?=\/|$)/, "<rootfs>", has("/overlay2/")],
  // Versions: node-v20.11.1, pkg@1.2.3, 1.2.3-beta.4.
  // A prerelease tag is taken only when it looks like one (-beta.2, -rc1,
  // -0): "-linux" in node-v20.11.1-linux-x64 is part of the name.
  [/(?<![\w.])v?\d+\.\d+\.\d+(?:-(?:alpha|beta|rc|pre|next|canary|dev|\d)[0-9A-Za-z.]*)?(?:\+[0-9A-Za-z.]+)?(?![\w])/g, "<ver>"],
  // Run-to-run numbers (pids, timestamps, counters) in the names of files
  // under a package's own directory: `build/out-4711.txt`, `log-1733450000.txt`.
  // Only there: a package's own tree is info-level either way, while a name
  // chosen elsewhere (/tmp, $HOME, the project) keeps its digits. The package
  // name itself is kept (es6-shim, base64-js).
  [/(\/node_modules\/(?:@[^/]+\/)?[^/.<][^/]*\/)(.+)$/, PKG_NUMBERS, has("/node_modules/")],
];

// A temp-name suffix is taken as random only when it looks random (a digit
// or a capital among 6+ characters, as mkdtemp's XXXXXX nearly always has):
// `/tmp/.cache-updater` is a name someone chose and stays as it is.
const TMP_SEGMENT_RULES: Rule[] = [
  [/([-_.])(?=[a-z]*[0-9A-Z])[A-Za-z0-9]{6,}$/, "$1<rand>"],
  // …and before a short extension: publish-UcwMVy.tmp (an atomic write's temp name).
  [/([-_])(?=[a-z]*[0-9A-Z])[A-Za-z0-9]{6,}(\.[a-z]{1,4})$/, "$1<rand>$2"],
  [/^(?=[A-Za-z]*\d)[A-Za-z0-9]{8,}$/, "<rand>"],
  [/\d{3,}/g, "<n>"],
];

function normalizeTmp(rest: string, root: string): string {
  const segs = rest.split("/").map((s) => {
    let out = s;
    for (const [re, to] of TMP_SEGMENT_RULES) out = out.replace(re, to);
    return out;
  });
  return root + segs.join("/");
}

/** Normalize a file system path (see the rules above). */
export function normalizePath(raw: string): string {
  let p = raw.replace(/\/{2,}/g, "/");
  // Collapse "./" and resolve ".." lexically so a path cannot dodge a rule.
  if (p.startsWith("/")) p = lexicalResolve(p);
  for (const [re, to, when] of PATH_RULES) {
    if (when && !when(p)) continue;
    if (to === "<tmpdir>") {
      const m = re.exec(p);
      if (m) p = normalizeTmp(m[2], m[1]);
      continue;
    }
    if (to === PKG_NUMBERS) {
      p = p.replace(re, (_all, dir: string, rest: string) => dir + rest.replace(/\d+/g, "<n>"));
      continue;
    }
    p = p.replace(re, to);
  }
  return p;
}

/** `/a//b/./c/../d` → `/a/b/d`: the path as written, with no rule applied. */
export function lexicalResolve(p: string): string {
  // Most paths have nothing to resolve.
  if (!p.includes("/.") && !p.includes("//")) return p;
  const out: string[] = [];
  for (const s of p.split("/")) {
    if (s === "" || s === ".") continue;
    if (s === "..") out.pop();
    else out.push(s);
  }
  return "/" + out.join("/") + (p.endsWith("/") && out.length ? "/" : "");
}

/** DNS names and SNI: case and the trailing root dot carry no meaning. */
export function normalizeHost(h: string): string {
  return h.trim().toLowerCase().replace(/\.$/, "");
}

/** Kernel-chosen local ports (Linux ip_local_port_range 32768-60999, and above). */
const EPHEMERAL_MIN = 32768;

function isLoopback(addr: string): boolean {
  return /^127\./.test(addr) || addr === "::1" || addr === "localhost";
}

/**
 * `1.2.3.4:443`, `[2001:db8::1]:443`, `…/udp` for UDP, `unix:<path>`. A port
 * the kernel picked (a listen on an ephemeral port, or a connect to such a
 * port on loopback, i.e. to a server the install itself started) becomes
 * `<ephemeral>`: it differs on every run. Remote ports are kept.
 */
export function endpointValue(family: string, address: string, port: number, proto: string, role: "connect" | "listen" = "connect", resolvers?: ReadonlySet<string>): string {
  if (family === "unix") return "unix:" + normalizePath(address);
  const addr = canonicalAddress(address);
  // The sandbox's own name server differs between runner hosts; what npm
  // itself asked is the resolver. Any other server on port 53 keeps its address.
  if (port === 53 && role === "connect" && resolvers?.has(addr)) return `<resolver>:53${proto === "udp" ? "/udp" : ""}`;
  const host = addr.includes(":") ? `[${addr}]` : addr;
  const ephemeral = port >= EPHEMERAL_MIN && (role === "listen" || isLoopback(addr));
  return `${host}:${ephemeral ? "<ephemeral>" : port}${proto === "udp" ? "/udp" : ""}`;
}

/** An address as endpointValue writes it (IPv4-mapped IPv6 as IPv4, lower case). */
export function canonicalAddress(address: string): string {
  return address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1").toLowerCase();
}

/** The address part of an endpointValue (for CIDR allowlists), or undefined. */
export function endpointAddress(value: string): string | undefined {
  if (value.startsWith("unix:")) return undefined;
  const m = /^\[([^\]]+)\]:|^([^:]+):/.exec(value);
  return m ? (m[1] ?? m[2]) : undefined;
}
