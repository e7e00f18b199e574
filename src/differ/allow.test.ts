import { describe, expect, test } from "bun:test";
import { ALLOW_EXAMPLES, allowChecker, allowValueError, normalizeAllowValue } from "./allow.ts";
import { normalizePath } from "./normalize.ts";
import { classify, RULES, SEVERITIES, type Severity } from "./severity.ts";
import type { Category } from "./types.ts";

describe("allowChecker", () => {
  const rules = [
    { kind: "cidr" as const, value: "198.51.100.0/24" },
    { kind: "cidr" as const, value: "2001:db8::/32", package: "pkg" },
    { kind: "sni" as const, value: "telemetry.example", package: "pkg" },
    { kind: "path" as const, value: "/opt/vendor/" },
  ];
  const check = allowChecker(rules, "pkg");
  const other = allowChecker(rules, "other");
  test.each([
    ["net_new_destination", "198.51.100.77:443", true, true],
    ["net_new_destination", "203.0.113.1:443", false, false],
    ["net_new_destination", "[2001:db8::5]:443", true, false],
    ["net_new_destination", "104.16.2.3:443", true, true], // Cloudflare (built-in CDN list)
    ["net_new_destination", "140.82.112.3:443", true, true], // GitHub
    ["net_new_https_host", "telemetry.example", true, false],
    ["net_new_https_host", "eu.telemetry.example", true, false],
    ["net_new_https_host", "evil-telemetry.example", false, false],
    ["net_new_https_host", "objects.githubusercontent.com", false, false], // CDN names are never suppressed
    ["net_new_dns_name", "telemetry.example", true, false],
    ["fs_new_path_read", "/opt/vendor/x.js", true, true],
    ["fs_new_path_write", "/opt/vendorx", false, false],
    ["proc_new_exec", "/opt/vendor/bin/x", false, false], // path entries do not hide execs
  ] as [Category, string, boolean, boolean][])("%s %s → pkg:%p other:%p", (category, value, forPkg, forOther) => {
    expect(check({ category, value })).toBe(forPkg);
    expect(other({ category, value })).toBe(forOther);
  });

  test.each([
    ["cidr", "10.0.0.0/8", undefined],
    ["cidr", "10.0.0.0/33", "not a CIDR"],
    ["cidr", "300.1.1.1", "not a CIDR"],
    ["cidr", "2001:db8::/129", "not a CIDR"],
    ["sni", "telemetry.example", undefined],
    ["sni", "bad host!", "not a host name"],
    ["path", "relative/dir", "must be absolute"],
    ["nope", "x", "unknown kind"],
  ])("allowValueError(%s, %s)", (kind, value, err) => {
    const got = allowValueError(kind, value);
    if (err === undefined) expect(got).toBeUndefined();
    else expect(got).toContain(err);
  });
});

const SEVERITY_CASES: [Category, string, Severity][] = [
    ["fs_new_path_read", "/root/.npmrc", "critical"],
    ["fs_new_path_read", "/home/u/.ssh/id_ed25519", "critical"],
    ["fs_new_path_read", "/proc/<pid>/environ", "critical"],
    ["fs_new_path_read", "/root/.aws/credentials", "high"],
    ["proc_new_exec", "/bin/sh", "high"],
    ["proc_new_exec", "/usr/bin/wget", "high"],
    ["proc_new_exec", "/usr/local/bin/node", "low"],
    ["fs_new_path_write", "/app/node_modules/x/build/a.node", "info"],
    ["fs_new_path_read", "/usr/share/zoneinfo/UTC", "low"],
    ["net_new_destination", "203.0.113.7:443", "high"],
    ["net_new_https_host", "exfil.example", "medium"],
    ["net_new_dns_name", "exfil.example", "medium"],
    ["net_new_listen", "0.0.0.0:4444", "high"],
];

describe("severity table", () => {
  test.each(SEVERITY_CASES)("%s %s → %s", (c, v, s) => {
    expect(classify(c, v).severity).toBe(s);
  });
  test("every rule names a known severity", () => {
    for (const r of RULES) expect(SEVERITIES).toContain(r.severity);
  });
});

describe("built-in CDN list", () => {
  test("every block parses, and none covers documentation or private space", async () => {
    const { CDN_CIDRS } = await import("./cdn.ts");
    const { parseCidr, parseIp, cidrContains } = await import("./cidr.ts");
    const blocks = Object.values(CDN_CIDRS).flat().map((c) => [c, parseCidr(c)] as const);
    expect(blocks.filter(([, b]) => !b).map(([c]) => c)).toEqual([]);
    for (const probe of ["192.0.2.1", "198.51.100.1", "203.0.113.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "127.0.0.1", "2001:db8::1"]) {
      expect(blocks.filter(([, b]) => cidrContains(b!, parseIp(probe)!)).map(([c]) => `${probe} in ${c}`)).toEqual([]);
    }
  });
});

// Each kind suppresses what its entry names, in the form the fingerprints
// have, and nothing else (another category, a look-alike, a sibling).
describe("allowlist entries mean what they look like", () => {
  const only = (rule: { kind: "cidr" | "path" | "sni"; value: string }) => {
    const stored = { ...rule, value: normalizeAllowValue(rule.kind, rule.value) };
    return allowChecker([stored], "pkg");
  };
  type Row = [Category, string, boolean];
  const cases: [string, { kind: "cidr" | "path" | "sni"; value: string }, Row[]][] = [
    ["cidr", { kind: "cidr", value: ALLOW_EXAMPLES.cidr }, [
      ["net_new_destination", "203.0.113.9:443", true],
      ["net_new_destination", "203.0.114.9:443", false],
      ["net_new_dns_name", "203.0.113.9", false],
      ["fs_new_path_read", "/203.0.113.9", false],
    ]],
    ["path /root/.cache/** (the UI example)", { kind: "path", value: ALLOW_EXAMPLES.path }, [
      ["fs_new_path_read", "/root/.cache", true],
      ["fs_new_path_write", "/root/.cache/node-gyp/<ver>/include/node/node.h", true],
      ["fs_new_path_read", "/root/.cachex/a", false],
      ["fs_new_path_read", "/root/.npmrc", false],
      ["fs_new_path_read", "/root/.cache/../.npmrc", false], // fingerprints are resolved: this value never occurs, and the glob does not treat .. specially
      ["proc_new_exec", "/root/.cache/bin/x", false],
      ["proc_exec_written", "/root/.cache/x", false],
    ]],
    ["path with * inside one segment", { kind: "path", value: "/opt/vendor/*.js" }, [
      ["fs_new_path_read", "/opt/vendor/a.js", true],
      ["fs_new_path_read", "/opt/vendor/sub/a.js", false],
      ["fs_new_path_read", "/opt/vendor/a.json", false],
    ]],
    ["path without a glob is exact", { kind: "path", value: "/etc/hosts" }, [
      ["fs_new_path_read", "/etc/hosts", true],
      ["fs_new_path_read", "/etc/hosts.allow", false],
    ]],
    ["path typed raw is matched normalized", { kind: "path", value: "/tmp/build-aB3dE9/**" }, [
      ["fs_new_path_write", normalizePath("/tmp/build-Zq8XwY/out.o"), true],
      ["fs_new_path_write", normalizePath("/tmp/other-Zq8XwY/out.o"), false],
    ]],
    ["sni *.telemetry.example (the UI example)", { kind: "sni", value: ALLOW_EXAMPLES.sni }, [
      ["net_new_https_host", "eu.telemetry.example", true],
      ["net_new_dns_name", "a.b.telemetry.example", true],
      ["net_new_dns_name", "telemetry.example", false],
      ["net_new_dns_name", "evil-telemetry.example", false],
      ["net_new_dns_name", "telemetry.example.evil.example", false],
      ["net_new_destination", "203.0.113.9:443", false],
    ]],
    ["sni name = it and its subdomains", { kind: "sni", value: "Telemetry.Example." }, [
      ["net_new_https_host", "telemetry.example", true],
      ["net_new_dns_name", "x.telemetry.example", true],
      ["net_new_dns_name", "xtelemetry.example", false],
    ]],
    ["sni * inside a label", { kind: "sni", value: "cdn-*.vendor.example" }, [
      ["net_new_https_host", "cdn-eu1.vendor.example", true],
      ["net_new_https_host", "cdn-eu1.x.vendor.example", false],
      ["net_new_https_host", "api.vendor.example", false],
    ]],
  ];
  for (const [name, rule, rows] of cases) {
    test.each(rows)(`${name}: %s %s → %p`, (category, value, hit) => expect(only(rule)({ category, value })).toBe(hit));
  }

  test.each([
    ["path", "/tmp/build-aB3dE9/**", "/tmp/build-<rand>/**"],
    ["path", "/root/.cache/node-gyp/20.11.1/", "/root/.cache/node-gyp/<ver>/"],
    ["path", "/opt//vendor/./x/../", "/opt/vendor/"],
    ["sni", "Telemetry.Example.", "telemetry.example"],
    ["sni", ".telemetry.example", "*.telemetry.example"],
    ["cidr", "2001:DB8::/32", "2001:db8::/32"],
  ])("stored form of %s %s is %s", (kind, typed, stored) => expect(normalizeAllowValue(kind, typed)).toBe(stored));

  test.each([["path", "/**"], ["path", "/"], ["sni", "*"], ["sni", "*.*"]])("%s %s is refused as too broad", (kind, value) => {
    expect(allowValueError(kind, value)).toBeDefined();
  });
  test.each(Object.entries(ALLOW_EXAMPLES))("the %s example %s is valid", (kind, value) => expect(allowValueError(kind, value)).toBeUndefined());
});
