// The rules an attacker who read this repo would try to slip past: names
// behind the CDN list, write-then-exec, runtime sockets, writes into the
// consuming project, /proc/<pid>/mem, cut paths. Each case runs events
// through extractFingerprints + findDeviations against an honest baseline.
import { describe, expect, test } from "bun:test";
import type { FangsEvent } from "../events/types.ts";
import { allowChecker, type AllowRule } from "./allow.ts";
import { findDeviations } from "./compare.ts";
import { extractFingerprints } from "./fingerprint.ts";
import { classify, PROJECT_DIR } from "./severity.ts";
import { fingerprintKey } from "./types.ts";
import { firstSightFindings } from "./first_sight.ts";

let seq = 0;
const base = (pid: number, ppid: number, comm: string, exe: string) => ({ seq: seq++, ts_ns: seq, pid, ppid, uid: 0, comm, exe, cgroup_id: "1", ancestry: [], source: "t" });
const N = "/usr/local/bin/node";
const exec = (pid: number, filename: string, argv: string[], extra: object = {}): FangsEvent => ({ ...base(pid, pid === 10 ? 1 : pid - 1, "node", N), kind: "exec", filename, argv, ...extra });
const file = (pid: number, path: string, access: "read" | "write" | "create" = "read", extra: object = {}): FangsEvent => ({ ...base(pid, pid - 1, "node", N), kind: "file", path, flags: 0, access, ...extra } as FangsEvent);
const dns = (pid: number, qname: string): FangsEvent => ({ ...base(pid, pid - 1, "node", N), kind: "dns", qname, qtype: "A", server: "", port: 53 });
const tls = (pid: number, sni: string): FangsEvent => ({ ...base(pid, pid - 1, "node", N), kind: "tls", sni });
const connect = (pid: number, family: "inet" | "unix", address: string, port = 0): FangsEvent => ({ ...base(pid, pid - 1, "node", N), kind: "connect", family, address, port, proto: family === "unix" ? "unknown" : "tcp" });

/** npm (pid 10) runs `sh -c "node install.js"` (30) → node (31), the package `evil`. */
const start = (): FangsEvent[] => [
  { ...base(10, 1, "runc:[2:INIT]", "/usr/bin/runc"), kind: "exec", filename: "/usr/local/bin/npm", argv: ["npm", "install", "evil"] },
  { ...base(30, 10, "npm install", N), kind: "exec", filename: "/bin/sh", argv: ["sh", "-c", "node install.js"] },
  { ...base(31, 30, "sh", "/bin/busybox"), kind: "exec", filename: N, argv: ["node", "install.js"] },
  file(31, `${PROJECT_DIR}/node_modules/evil/install.js`),
];
const baseline = new Set(extractFingerprints(start()).map(fingerprintKey));
const devs = (events: FangsEvent[], allow: AllowRule[] = []) =>
  // Renumbered: the run's start comes first whatever order the helpers ran in.
  findDeviations(extractFingerprints([...start(), ...events].map((e, i) => ({ ...e, seq: i }))), baseline, allowChecker(allow, "evil")).map((f) => `${f.severity} ${f.category} ${f.value}`);

describe("the project directory is chosen per run (INIT_CWD is no tell); the differ reads it as PROJECT_DIR", () => {
  const DIR = "/builds/acme/web-app";
  const at = (p: string) => p.replace(PROJECT_DIR, DIR);
  // The same run, installed at DIR: every path under it as the kernel gave it.
  const moved = (events: FangsEvent[]) => [...start(), ...events].map((e, i) => ({ ...e, seq: i, ...(e.kind === "file" ? { path: at(e.path) } : {}) }) as FangsEvent);
  const devsAt = (events: FangsEvent[], projectDir = DIR) =>
    findDeviations(extractFingerprints(moved(events), { projectDir }), baseline, allowChecker([], "evil")).map((f) => `${f.severity} ${f.category} ${f.value}`);

  test("an honest run at another directory matches the baseline learned at PROJECT_DIR", () => {
    expect(devsAt([])).toEqual([]);
  });
  test("a write into the consuming project is graded at its canonical path", () => {
    expect(devsAt([file(31, `${PROJECT_DIR}/.git/hooks/pre-commit`, "write")])).toEqual([`critical fs_new_path_write ${PROJECT_DIR}/.git/hooks/pre-commit`]);
  });
  test("spellings resolve first; a sibling directory or a path climbing out is not the project", () => {
    const raw = (path: string) => extractFingerprints([...start(), file(31, path, "write")].map((e, i) => ({ ...e, seq: i })), { projectDir: DIR }).map((f) => f.value);
    expect(raw(`//builds/acme//web-app/./src/../x.js`)).toContain(`${PROJECT_DIR}/x.js`);
    expect(raw(`${DIR}-evil/x.js`)).toContain(`${DIR}-evil/x.js`);
    expect(raw(`${DIR}/../../../root/.npmrc`)).toContain("/root/.npmrc");
  });
  test("a write above the project (an ancestor's node_modules, which npm puts on PATH) is still a finding, read as PROJECT_DIR's parent", () => {
    expect(devsAt([file(31, "/builds/node_modules/.bin/node", "write")])).toEqual(["high fs_new_path_write /srv/node_modules/.bin/node"]);
  });
  test("a payload named like a cache's temp file keeps its exact name when it runs", () => {
    expect(devs([file(31, "/root/.cache/x/stage-Ab3dE9.tmp", "write"), exec(32, "/root/.cache/x/stage-Ab3dE9.tmp", ["stage"])])).toContain("critical proc_exec_written /root/.cache/x/stage-Ab3dE9.tmp");
  });
  test("a run of an older runner (no project directory reported) is read as it is", () => {
    expect(devsAt([], PROJECT_DIR).length).toBeGreaterThan(0); // paths under DIR are not PROJECT_DIR's: new, never hidden
  });
});

describe("names stay visible; exfiltration channels are critical", () => {
  test.each([
    ["a DNS query for <secret>.github.com", dns(31, "c2VjcmV0.github.com"), "medium net_new_dns_name c2vjcmv0.github.com"],
    ["the GitHub API by SNI (Shai-Hulud)", tls(31, "api.github.com"), "critical net_new_https_host api.github.com"],
    ["a gist by name, in upper case with the root dot", dns(31, "GIST.GitHubUserContent.com."), "critical net_new_dns_name gist.githubusercontent.com"],
    ["raw.githubusercontent.com", tls(31, "raw.githubusercontent.com"), "critical net_new_https_host raw.githubusercontent.com"],
    ["a Discord webhook", tls(31, "discord.com"), "critical net_new_https_host discord.com"],
    ["a Slack webhook", tls(31, "hooks.slack.com"), "critical net_new_https_host hooks.slack.com"],
    ["a request bin", dns(31, "a1b2.webhook.site"), "critical net_new_dns_name a1b2.webhook.site"],
    ["an ngrok tunnel", tls(31, "f00d-198-51-100-1.ngrok-free.app"), "critical net_new_https_host f00d-198-51-100-1.ngrok-free.app"],
    ["a Cloudflare quick tunnel", dns(31, "words-here.trycloudflare.com"), "critical net_new_dns_name words-here.trycloudflare.com"],
    ["an interactsh callback", dns(31, "cq1abc.oast.fun"), "critical net_new_dns_name cq1abc.oast.fun"],
    ["Google Forms", tls(31, "docs.google.com"), "critical net_new_https_host docs.google.com"],
    ["a Firebase database", tls(31, "x-default-rtdb.firebaseio.com"), "critical net_new_https_host x-default-rtdb.firebaseio.com"],
    ["a paste site", tls(31, "pastebin.com"), "critical net_new_https_host pastebin.com"],
    ["an attacker's own CloudFront distribution", tls(31, "d111111abcdef8.cloudfront.net"), "medium net_new_https_host d111111abcdef8.cloudfront.net"],
    ["a collector on a Cloudflare Worker (address hidden by the CDN list)", tls(31, "collect.evil.workers.dev"), "high net_new_https_host collect.evil.workers.dev"],
    ["a Vercel function", dns(31, "x-evil.vercel.app"), "high net_new_dns_name x-evil.vercel.app"],
    ["a look-alike is visible but not the channel", tls(31, "evilwebhook.site"), "medium net_new_https_host evilwebhook.site"],
  ])("%s", (_n, ev, want) => expect(devs([ev])).toContain(want));

  test("the CDN list still hides a CDN address, not the name on it", () => {
    expect(devs([connect(31, "inet", "140.82.112.3", 443), tls(31, "api.github.com")])).toEqual(["critical net_new_https_host api.github.com"]);
  });

  test("an operator allowlist entry wins over the channel table, for what it names only", () => {
    const allow: AllowRule[] = [{ kind: "sni", value: "api.github.com", package: "evil" }];
    expect(devs([tls(31, "api.github.com"), tls(31, "gist.github.com")], allow)).toEqual(["critical net_new_https_host gist.github.com"]);
  });
});

describe("what attackers do", () => {
  test("exec of a binary the run wrote to /tmp: critical, under the name the attacker chose", () => {
    const d = devs([file(31, "/tmp/.cache-x8Kd9a", "create"), exec(32, "/tmp/.cache-x8Kd9a", ["/tmp/.cache-x8Kd9a"])]);
    expect(d).toContain("critical proc_exec_written /tmp/.cache-x8Kd9a");
    expect(d.filter((x) => x.includes("proc_new_exec"))).toEqual([]);
  });

  test("a failed attempt (noexec /tmp, errno EACCES) is as critical as the exec", () => {
    expect(devs([file(31, "/tmp/upd", "write"), exec(32, "/tmp/upd", ["upd"], { errno: 13 })])).toContain("critical proc_exec_written /tmp/upd");
  });

  test("evasions: another spelling of the path, an interpreter fed the file, a symlink, a fileless exec", () => {
    expect(devs([file(31, "/var/tmp/s2", "create"), exec(32, "//var/tmp/./x/../s2", ["s2"])])).toContain("critical proc_exec_written /var/tmp/s2");
    expect(devs([file(31, "/dev/shm/stage2.sh", "write"), exec(32, "/bin/sh", ["sh", "/dev/shm/stage2.sh"])])).toContain("critical proc_exec_written /dev/shm/stage2.sh");
    expect(devs([file(31, "/root/.local/bin/node", "symlink" as never), exec(32, "/root/.local/bin/node", ["node"])])).toContain("critical proc_exec_written /root/.local/bin/node");
    expect(devs([exec(32, "/proc/self/fd/3", ["x"], { fileless: true })])).toContain("critical proc_exec_written <fileless> /proc/self/fd/3");
    expect(devs([file(31, "/tmp/s3.js", "write"), exec(32, N, ["node", "--require=/tmp/s3.js", "-e", "0"])])).toContain("critical proc_exec_written /tmp/s3.js");
    expect(devs([file(31, "/tmp/s4", "write"), exec(32, "/bin/sh", ["sh", "-c", "chmod +x /tmp/s4; /tmp/s4 &"])])).toContain("critical proc_exec_written /tmp/s4");
    expect(devs([file(31, "/tmp/s5", "write"), exec(32, "/lib64/ld-linux-x86-64.so.2", ["ld.so", "/tmp/s5"])])).toContain("critical proc_exec_written /tmp/s5");
    // Writing to a device and naming it again is not a drop.
    expect(devs([file(31, "/dev/null", "write"), exec(32, "/bin/sh", ["sh", "-c", "echo hi >/dev/null"])]).filter((x) => x.includes("proc_exec_written"))).toEqual([]);
  });

  test("a binary npm extracted (a platform-binary check) is not a drop", () => {
    const npmWrite = { ...file(10, `${PROJECT_DIR}/node_modules/@evil/linux-x64/bin/evil`, "create"), comm: "npm install" };
    const d = devs([npmWrite, exec(32, `${PROJECT_DIR}/node_modules/@evil/linux-x64/bin/evil`, ["evil", "--version"])]);
    expect(d.some((x) => x.includes("proc_exec_written"))).toBe(false);
    expect(d).toContain(`medium proc_new_exec ${PROJECT_DIR}/node_modules/@evil/linux-x64/bin/evil`);
  });

  // esbuild's install.js: link the platform package's binary to bin-esbuild,
  // rename it over the JS shim bin/esbuild, run `bin/esbuild --version`.
  const NM = `${PROJECT_DIR}/node_modules`;
  const op = (pid: number, access: string, path: string, target: string) => ({ ...file(pid, path, access as never), target }) as FangsEvent;
  test("a new name for a binary npm extracted, then run (esbuild's platform-binary check), is not a drop nor tampering", () => {
    const d = devs([
      op(31, "link", `${NM}/evil/bin-evil`, `${NM}/@evil/linux-x64/bin/evil`),
      op(31, "rename", `${NM}/evil/bin/evil`, `${NM}/evil/bin-evil`),
      exec(32, `${NM}/evil/bin/evil`, ["evil", "--version"]),
    ]);
    expect(d.filter((x) => x.includes("proc_exec_written") || x.startsWith("high") || x.startsWith("critical"))).toEqual([]);
  });
  test.each([
    ["a download into node_modules, linked and run", [file(31, `${NM}/evil/payload`, "write"), op(31, "link", `${NM}/evil/bin/tool`, `${NM}/evil/payload`), exec(32, `${NM}/evil/bin/tool`, ["tool"])], `${NM}/evil/bin/tool`],
    ["a file written in /tmp, renamed into node_modules and run", [file(31, "/tmp/x", "write"), op(31, "rename", `${NM}/evil/bin/x`, "/tmp/x"), exec(32, `${NM}/evil/bin/x`, ["x"])], `${NM}/evil/bin/x`],
    ["a link whose old name climbs out of node_modules", [file(31, "/tmp/y", "write"), op(31, "link", `${NM}/evil/y`, `${NM}/evil/../../../../tmp/y`), exec(32, `${NM}/evil/y`, ["y"])], `${NM}/evil/y`],
    ["a written file made executable (chmod keeps it written)", [file(31, `${NM}/evil/stage2`, "create"), op(31, "chmod", `${NM}/evil/stage2`, ""), exec(32, `${NM}/evil/stage2`, ["stage2"])], `${NM}/evil/stage2`],
    ["a system binary linked to a new name and run", [op(31, "link", "/root/.cache/x", "/usr/bin/curl"), exec(32, "/root/.cache/x", ["x"])], "/root/.cache/x"],
  ])("still a drop: %s", (_name, events, path) => {
    expect(devs(events as FangsEvent[])).toContain(`critical proc_exec_written ${path}`);
  });
  test("a script writing into another package is still tampering, named by what it writes, not what it points at", () => {
    expect(devs([file(31, `${NM}/victim/index.js`, "write")])).toContain(`high fs_new_path_write ${NM}/victim/index.js`);
    expect(devs([op(31, "rename", `${NM}/victim/index.js`, `${NM}/evil/x.js`)])).toContain(`high fs_new_path_write ${NM}/victim/index.js -> ${NM}/evil/x.js`);
  });

  test.each([
    [connect(31, "unix", "/var/run/docker.sock"), "critical net_new_destination unix:/var/run/docker.sock"],
    [connect(31, "unix", "/run/containerd/containerd.sock"), "critical net_new_destination unix:/run/containerd/containerd.sock"],
    [connect(31, "unix", "/run/podman/podman.sock"), "critical net_new_destination unix:/run/podman/podman.sock"],
    [file(31, "/run/docker.sock", "write"), "critical fs_new_path_write /run/docker.sock"],
    [file(31, `${PROJECT_DIR}/.git/hooks/pre-commit`, "create"), `critical fs_new_path_write ${PROJECT_DIR}/.git/hooks/pre-commit`],
    [file(31, `${PROJECT_DIR}/.github/workflows/ci.yml`, "write"), `critical fs_new_path_write ${PROJECT_DIR}/.github/workflows/ci.yml`],
    [file(31, `${PROJECT_DIR}/.vscode/tasks.json`, "write"), `critical fs_new_path_write ${PROJECT_DIR}/.vscode/tasks.json`],
    [file(31, "/root/.claude/settings.json", "write"), "critical fs_new_path_write /root/.claude/settings.json"],
    [file(31, "/root/.bashrc", "write"), "critical fs_new_path_write /root/.bashrc"],
    [file(31, "/root/.npmrc", "write"), "critical fs_new_path_write /root/.npmrc"],
    [file(31, `${PROJECT_DIR}/index.js`, "write"), `high fs_new_path_write ${PROJECT_DIR}/index.js`],
    [file(31, `${PROJECT_DIR}/node_modules/lodash/index.js`, "write"), `high fs_new_path_write ${PROJECT_DIR}/node_modules/lodash/index.js`],
    [file(31, `${PROJECT_DIR}/node_modules/.bin/tsc`, "write"), `high fs_new_path_write ${PROJECT_DIR}/node_modules/.bin/tsc`],
    [file(31, `${PROJECT_DIR}/node_modules/evil/build/out.node`, "write"), `info fs_new_path_write ${PROJECT_DIR}/node_modules/evil/build/out.node`],
    [file(31, "/proc/1/mem", "read"), "critical fs_new_path_read /proc/<pid>/mem"],
    [file(31, "/proc/7/task/8/mem", "write"), "critical fs_new_path_write /proc/<pid>/task/<tid>/mem"],
    [file(31, "/proc/self/environ", "read"), "critical fs_new_path_read /proc/self/environ"],
  ] as [FangsEvent, string][])("%#: %p", (ev, want) => expect(devs([ev])).toContain(want));

  test("a cut or unreadable path is at least medium, and no baseline entry can vouch for it", () => {
    const cut = file(31, "/usr/share/very/long/pa", "read", { path_truncated: true });
    const gone = exec(32, "", ["?"], { unreadable: true });
    const d = devs([cut, gone]);
    expect(d).toContain("medium fs_new_path_read <truncated> /usr/share/very/long/pa");
    expect(d).toContain("medium proc_new_exec <unreadable> ?");
    // Even with the very same value in the baseline.
    const fps = extractFingerprints([...start(), cut]);
    expect(findDeviations(fps, new Set(fps.map(fingerprintKey)), allowChecker([], "evil")).map((f) => f.value)).toEqual(["<truncated> /usr/share/very/long/pa"]);
    // A truncated credential path does not fall below medium either.
    expect(classify("fs_new_path_read", "<truncated> /root/.np").severity).toBe("medium");
  });
});

describe("first sight admits the registry, not the world", () => {
  const first = (events: FangsEvent[]) =>
    firstSightFindings(extractFingerprints([...start(), ...events].map((e, i) => ({ ...e, seq: i }))), allowChecker([], "evil")).map((f) => `${f.severity} ${f.category} ${f.value}`);
  const npmConnect = (address: string): FangsEvent => ({ ...connect(10, "inet", address, 443), comm: "npm install" });
  test("a script fetching from the address npm itself fetched from (a registry mirror) is ordinary", () => {
    expect(first([npmConnect("198.51.100.20"), connect(31, "inet", "198.51.100.20", 443)])).toEqual([]);
  });
  test("another address, or another port on it, is a finding", () => {
    expect(first([npmConnect("198.51.100.20"), connect(31, "inet", "198.51.100.21", 443)])).toEqual(["high net_new_destination 198.51.100.21:443"]);
    expect(first([npmConnect("198.51.100.20"), connect(31, "inet", "198.51.100.20", 22)])).toEqual(["high net_new_destination 198.51.100.20:22"]);
  });
});

describe("a process the install leaves running (sensor exit events)", () => {
  const exit = (pid: number, exe = N): FangsEvent => ({ ...base(pid, pid - 1, "node", exe), kind: "exit", exit_code: 0 } as unknown as FangsEvent);
  test("exiting after npm did is high, with the program's name", () => {
    // install.js (31) double-forks a detached payload (40) that npm never waits for.
    const d = devs([file(40, "/tmp/.x", "create"), exit(31), exit(10), exit(40, "/usr/local/bin/node")]);
    expect(d).toContain("high proc_outlived_install /usr/local/bin/node");
  });
  test("every process done before npm exits: nothing", () => {
    expect(devs([exit(31), exit(30), exit(10)]).filter((x) => x.includes("outlived"))).toEqual([]);
  });
  test("without exit events (today's sensor) nothing is inferred", () => {
    expect(devs([file(40, "/tmp/.x", "create")]).filter((x) => x.includes("outlived"))).toEqual([]);
  });
});

// Run-to-run noise measured on real re-runs (src/differ/real_packages.test.ts):
// what is dropped, and what an attacker cannot hide behind it.
describe("run-to-run noise that is not the package's", () => {
  const fpsOf = (events: FangsEvent[]) => extractFingerprints(events.map((e, i) => ({ ...e, seq: i })));
  /** runc's set-up in the container's cgroup before npm starts (caught on some runs only). */
  const runcSetup = (): FangsEvent[] => [
    { ...base(5, 4, "runc", "/usr/bin/runc"), kind: "exec", filename: "/dev/fd/6", argv: ["runc", "init"] },
    { ...base(5, 4, "runc:[2:INIT]", ""), kind: "file", path: "/proc/self/oom_score_adj", flags: 0, access: "write" },
  ];
  test("runc's set-up before npm starts is not fingerprinted", () => {
    const values = fpsOf([...runcSetup(), ...start()]).map((f) => `${f.actor} ${f.value}`);
    expect(values.some((v) => v.includes("oom_score_adj") || v.includes("/dev/fd/6"))).toBe(false);
    // With or without it seen, one set of fingerprints.
    expect(fpsOf([...runcSetup(), ...start()]).map(fingerprintKey).sort()).toEqual(fpsOf(start()).map(fingerprintKey).sort());
  });
  test("evasion: a script's process named like runc, after npm started, is still the script's", () => {
    const fake: FangsEvent[] = [
      { ...base(32, 31, "runc:[2:INIT]", "/dev/fd/6"), kind: "file", path: "/root/.npmrc", flags: 0, access: "read" },
      { ...base(32, 31, "runc", "/dev/fd/6"), kind: "file", path: "/proc/self/oom_score_adj", flags: 0, access: "write" },
    ];
    expect(devs(fake)).toContain("critical fs_new_path_read /root/.npmrc");
    expect(first(fake)).toContain("critical fs_new_path_read /root/.npmrc");
  });
  test("evasion: a process outside npm's tree after npm started keeps its fingerprints", () => {
    const stray: FangsEvent = { ...base(77, 1, "runc", ""), kind: "file", path: "/etc/shadow", flags: 0, access: "read" };
    expect(fpsOf([...start(), stray]).some((f) => f.actor.startsWith("proc:") && f.value === "/etc/shadow")).toBe(true);
  });
  test("glibc's CPU count read (malloc arenas) is dropped; a write there, or any other /sys read, is kept", () => {
    expect(devs([file(31, "/sys/devices/system/cpu/online"), file(10, "/sys/devices/system/cpu/online")])).toEqual([]);
    expect(devs([file(31, "/sys/devices/system/cpu/online", "write")])).toEqual(["medium fs_new_path_write /sys/devices/system/cpu/online"]);
    expect(devs([file(31, "/sys/devices/system/cpu/possible"), file(31, "/sys/class/dmi/id/product_name")])).toEqual([
      "low fs_new_path_read /sys/devices/system/cpu/possible", "low fs_new_path_read /sys/class/dmi/id/product_name",
    ]);
  });
});

const first = (events: FangsEvent[]) =>
  firstSightFindings(extractFingerprints([...start(), ...events].map((e, i) => ({ ...e, seq: i }))), allowChecker([], "evil")).map((f) => `${f.severity} ${f.category} ${f.value}`);

describe("a new program's library loads are the exec's, not acts of their own", () => {
  test("the loader's reads of the image's system libraries and its cache are folded into the exec", () => {
    const d = devs([exec(32, "/usr/bin/curl", ["curl", "-s", "http://203.0.113.10/"]), file(32, "/etc/ld.so.cache"), file(32, "/usr/lib/x86_64-linux-gnu/libcurl.so.4.8.0"), file(32, "/lib/x86_64-linux-gnu/libc.so.6"), file(32, "/usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3/libz.so.1")]);
    expect(d).toEqual(["high proc_new_exec /usr/bin/curl"]);
  });
  test.each([
    ["a library an install could have placed (node_modules)", `${PROJECT_DIR}/node_modules/evil/lib/libhook.so`],
    ["a library in /tmp", "/tmp/libhook.so"],
    ["a library in HOME", "/root/.cache/libhook.so.1"],
    ["not a library, under /usr/lib", "/usr/lib/x86_64-linux-gnu/pkgconfig/openssl.pc"],
  ])("still read: %s", (_name, path) => {
    expect(devs([file(31, path)]).some((x) => x.includes("fs_new_path_read"))).toBe(true);
  });
  test("a cut path is never folded", () => {
    expect(devs([file(31, "/usr/lib/x86_64-linux-gnu/libc.so.6", "read", { path_truncated: true })]).length).toBe(1);
  });
});

describe("sockets the sensor sees created", () => {
  const socket = (family: string, type: string, protocol: number): FangsEvent => ({ ...base(31, 30, "node", N), kind: "socket", family, type, protocol } as FangsEvent);
  test("a packet or raw IP socket is high: it sniffs or forges traffic no listen() shows", () => {
    expect(devs([socket("packet", "raw", 768)])).toContain("high net_new_listen socket:packet/raw/768");
    expect(devs([socket("inet", "raw", 1)])).toContain("high net_new_listen socket:inet/raw/1");
  });
  test("the routing netlink socket glibc's getaddrinfo opens is low; another netlink family is not", () => {
    expect(devs([socket("netlink", "raw", 0)])).toEqual(["low net_new_listen socket:netlink/raw/0"]);
    expect(devs([socket("netlink", "raw", 9)])).toEqual(["high net_new_listen socket:netlink/raw/9"]); // NETLINK_AUDIT
  });
});
