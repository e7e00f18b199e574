// Replays recorded event sets (tests/fixtures/events, made by generate.ts)
// through the pure differ: baseline from one run, compare another.
import { describe, expect, test } from "bun:test";
import { loadFixture } from "../../tests/fixtures/events/load.ts";
import { allowChecker, extractFingerprints, findDeviations, fingerprintKey, maxSeverity, type AllowRule } from "./index.ts";
import { firstSightFindings } from "./first_sight.ts";

const fps = (name: string) => extractFingerprints(loadFixture(name));
const baselineOf = (...names: string[]) => new Set(names.flatMap((n) => fps(n).map(fingerprintKey)));

interface Case {
  name: string;
  baseline: string[];
  run: string;
  allow?: AllowRule[];
  pkg?: string;
  /** expected deviations as "severity category actor value" */
  expect: string[];
}

const MALICIOUS = [
  "critical fs_new_path_read script:demo-pkg:node /root/.npmrc",
  "critical fs_new_path_read script:demo-pkg:node /proc/<pid>/environ",
  "critical fs_new_path_read script:demo-pkg:node /root/.ssh/id_rsa",
  "high net_new_destination script:demo-pkg:node <resolver>:53/udp", // the name server npm itself uses
  "high net_new_destination script:demo-pkg:node 203.0.113.7:443",
  "high net_new_listen script:demo-pkg:node 0.0.0.0:4444",
  "high proc_new_exec script:demo-pkg:node /bin/sh",
  "high proc_new_exec script:demo-pkg:busybox /usr/local/bin/curl",
  "high proc_new_exec script:demo-pkg:busybox /usr/bin/curl",
  "medium net_new_dns_name script:demo-pkg:node exfil.example",
  "medium net_new_https_host script:demo-pkg:node exfil.example",
];

const CASES: Case[] = [
  { name: "second honest run of the same release (other pids, temp names, cache hashes, CDN address)", baseline: ["clean-1.0.0-a"], run: "clean-1.0.0-b", expect: [] },
  { name: "ordinary upgrade: changed file list and a new dependency", baseline: ["clean-1.0.0-a"], run: "upgrade-1.1.0", expect: [] },
  { name: "malicious release: credentials, new host, destination, shell, downloader, listener", baseline: ["clean-1.0.0-a"], run: "malicious-1.0.1", expect: MALICIOUS },
  {
    name: "allowlists suppress by kind (cidr, sni also for DNS, path prefix) and per package",
    baseline: ["clean-1.0.0-a"],
    run: "malicious-1.0.1",
    allow: [
      { kind: "cidr", value: "203.0.113.0/24" },
      { kind: "sni", value: "exfil.example", package: "demo-pkg" },
      { kind: "path", value: "/root/.ssh/" },
      { kind: "path", value: "/proc/", package: "other-pkg" },
    ],
    expect: MALICIOUS.filter((d) => !/203\.0\.113|exfil\.example|\.ssh/.test(d)),
  },
  // Recorded from the real sensor (record-real.ts): npm 11 in the sandbox
  // installing the fixture package from the sealed fake registry.
  { name: "real: second honest install of widget 1.0.0", pkg: "fangs-fixture-widget", baseline: ["real-widget-1.0.0-1"], run: "real-widget-1.0.0-2", expect: [] },
  { name: "real: honest upgrade to widget 1.1.0", pkg: "fangs-fixture-widget", baseline: ["real-widget-1.0.0-1"], run: "real-widget-1.1.0-1", expect: [] },
  {
    name: "real: compromised widget 1.2.0",
    pkg: "fangs-fixture-widget",
    baseline: ["real-widget-1.0.0-1", "real-widget-1.1.0-1"],
    run: "real-widget-1.2.0-1",
    expect: [
      "critical fs_new_path_read script:fangs-fixture-widget:node /root/.npmrc",
      "high proc_new_exec script:fangs-fixture-widget:node /bin/sh",
      "high proc_new_exec script:fangs-fixture-widget:node /usr/bin/curl",
      "high net_new_destination script:fangs-fixture-widget:node 203.0.113.10:443",
      "high net_new_destination script:fangs-fixture-widget:node 203.0.113.53:53/udp",
      "high net_new_listen script:fangs-fixture-widget:node 127.0.0.1:<ephemeral>",
      "high net_new_destination script:fangs-fixture-widget:node 127.0.0.1:<ephemeral>",
      "medium fs_new_path_read script:fangs-fixture-widget:node /etc/resolv.conf",
      "medium net_new_dns_name script:fangs-fixture-widget:node exfil.attacker.example",
      "medium net_new_https_host script:fangs-fixture-widget:node c2.attacker.example",
      "low fs_new_path_read script:fangs-fixture-widget:node /etc/nsswitch.conf",
      "low fs_new_path_read script:fangs-fixture-widget:node /etc/netsvc.conf",
      "low fs_new_path_read script:fangs-fixture-widget:node /etc/svc.conf",
      "info fs_new_path_write script:fangs-fixture-widget:sh /dev/null",
    ],
  },
];

describe("differ over recorded runs", () => {
  test.each(CASES.map((c) => [c.name, c]))("%s", (_name, c) => {
    const found = findDeviations(fps(c.run), baselineOf(...c.baseline), allowChecker(c.allow ?? [], c.pkg ?? "demo-pkg"));
    expect(found.map((f) => `${f.severity} ${f.category} ${f.actor} ${f.value}`).sort()).toEqual([...c.expect].sort());
  });

  test("each deviation points at the first event that produced it", () => {
    const events = loadFixture("malicious-1.0.1");
    const found = findDeviations(fps("malicious-1.0.1"), baselineOf("clean-1.0.0-a"), allowChecker([], "demo-pkg"));
    const npmrc = found.find((f) => f.value === "/root/.npmrc")!;
    const ev = events[npmrc.evidenceSeq];
    expect(ev).toMatchObject({ kind: "file", path: "/root/.npmrc" });
    expect(events.findIndex((e) => e.kind === "file" && e.path === "/root/.npmrc" && e.pid === ev.pid)).toBe(npmrc.evidenceSeq);
    expect(maxSeverity(found)).toBe("critical");
  });

  test("npm reading ~/.npmrc is baseline; the script reading it is not", () => {
    const a = fps("clean-1.0.0-a");
    expect(a.some((f) => f.actor === "npm" && f.value === "/root/.npmrc")).toBe(true);
    expect(a.some((f) => f.actor.startsWith("script:") && f.value === "/root/.npmrc")).toBe(false);
  });

  test("npm's extraction inside node_modules is not fingerprinted, the script's reads there are", () => {
    const a = fps("clean-1.0.0-a");
    expect(a.filter((f) => f.actor === "npm" && f.value.includes("/node_modules/"))).toEqual([]);
    expect(a.some((f) => f.actor === "script:demo-pkg:node" && f.value === "/app/node_modules/demo-pkg/install.js")).toBe(true);
  });
});

describe("actors in a real recording", () => {
  test("runc's set-up, npm, and the postinstall named by its package", () => {
    const actors = new Set(fps("real-widget-1.0.0-1").map((f) => f.actor));
    expect([...actors].filter((a) => !a.startsWith("proc:runc")).sort()).toEqual(["npm", "script:fangs-fixture-widget:node", "script:fangs-fixture-widget:sh"]);
  });
});

// Recorded from the real sensor (record-real.ts scripts): every fixture
// package with an install script, installed first-time in the sandbox.
describe("first sight over real installs with scripts", () => {
  const held = (name: string) => firstSightFindings(fps(name), allowChecker([], "x")).map((f) => `${f.severity} ${f.category} ${f.actor} ${f.value}`);
  test.each([
    ["real-widget-1.0.0-1", []],
    ["real-widget-1.0.0-2", []],
    ["real-widget-1.1.0-1", []],
    ["real-banner-1.1.0-1", []], // a postinstall banner that stamps a build file
    ["real-banner-1.2.0-1", []], // a platform-binary check (the shipped tool run with --version)
    ["real-oom-1.0.0-1", []],
    ["real-sleepy-1.0.0-1", []],
    // Reads the bait to report on the sandbox: held, as it should be.
    ["real-probe-1.0.0-1", ["critical fs_new_path_read script:fangs-fixture-probe:node /root/.npmrc", "critical fs_new_path_read script:fangs-fixture-probe:node /root/.ssh/id_rsa"]],
    ["real-widget-1.2.0-1", [
      "critical fs_new_path_read script:fangs-fixture-widget:node /root/.npmrc",
      "high proc_new_exec script:fangs-fixture-widget:node /usr/bin/curl",
      "high net_new_destination script:fangs-fixture-widget:node 203.0.113.10:443",
      "high net_new_listen script:fangs-fixture-widget:node 127.0.0.1:<ephemeral>",
      "high net_new_destination script:fangs-fixture-widget:node 203.0.113.53:53/udp",
    ]],
  ] as [string, string[]][])("%s", (name, want) => expect(held(name).sort()).toEqual([...want].sort()));
});

describe("the release that gains its first install script (real)", () => {
  const banner = (run: string, ...base: string[]) => findDeviations(fps(run), baselineOf(...base), allowChecker([], "fangs-fixture-banner"));
  test("banner 1.1.0 against 1.0.0: npm's one lifecycle shell and the script's node start-up, nothing above low", () => {
    const d = banner("real-banner-1.1.0-1", "real-banner-1.0.0-1");
    expect(maxSeverity(d)).toBe("low");
    // npm's PATH search for sh (/usr/local/bin/sh, /usr/bin/sh) is not counted, only the shell that ran.
    expect(d.filter((f) => f.actor === "npm").map((f) => `${f.severity} ${f.value}`)).toEqual(["low /bin/sh"]);
    // The figure the issue asked for (was 41 with the shell search at high, 39 before the
    // dynamic loader's reads of system libraries were folded into the exec); node's own
    // start-up reads are most of it — the runtime baseline per image removes them (runtime.test.ts).
    expect(d.length).toBe(14);
    expect(d.filter((f) => f.actor === "script:fangs-fixture-banner:node" && f.category === "fs_new_path_read" && !f.value.includes("node_modules")).length).toBe(9);
  });
  test("a re-run of 1.1.0 is clean although its build stamp is named by pid and time", () => {
    expect(fps("real-banner-1.1.0-1").some((f) => f.value.endsWith("/build/stamp-<n>-<n>.txt"))).toBe(true);
    expect(banner("real-banner-1.1.0-2", "real-banner-1.0.0-1", "real-banner-1.1.0-1")).toEqual([]);
  });
  test("1.2.0's platform-binary check runs a file npm extracted: a new program, not a drop", () => {
    const d = banner("real-banner-1.2.0-1", "real-banner-1.0.0-1", "real-banner-1.1.0-1").map((f) => `${f.severity} ${f.category} ${f.value}`);
    expect(d).toContain("medium proc_new_exec /srv/install/node_modules/fangs-fixture-banner/bin/tool");
    expect(d.some((x) => x.includes("proc_exec_written"))).toBe(false);
  });
});
