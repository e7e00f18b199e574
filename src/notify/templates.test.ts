import { describe, expect, test } from "bun:test";
import { discord, discordEscape, generic, render, slack, slackEscape, type NotifyMessage } from "./templates.ts";

const HOSTILE = '<!channel> @everyone @here **bold** [x](https://evil.example) `code` & </script>"\u0000\n';
const msg = (over: Partial<NotifyMessage> = {}): NotifyMessage => ({
  kind: "run.deviations",
  run_id: "0123456789abcdef",
  package: "evil-pkg",
  version: "1.0.1",
  deviation_count: 2,
  max_severity: "high",
  deviations: [
    { category: "fs_new_path_read", actor: "script:postinstall", value: "/root/.npmrc", severity: "high" },
    { category: "net_new_destination", actor: "exe:/usr/bin/curl", value: "203.0.113.7:443", severity: "medium" },
  ],
  urls: { ui: "http://127.0.0.1:8443/ui/runs/0123456789abcdef", api: "http://127.0.0.1:8443/v1/runs/0123456789abcdef" },
  time_unix_nano: "1790000000123456789",
  fangs_version: "0.1.0",
  ...over,
});

describe("generic envelope", () => {
  test("carries every field, time as a decimal string", () => {
    const g = JSON.parse(render("generic", msg()));
    expect(g).toEqual({ ...generic(msg()), type: "fangs.run.deviations" });
    expect(g).toMatchObject({ run_id: "0123456789abcdef", package: "evil-pkg", version: "1.0.1", deviation_count: 2, max_severity: "high", time_unix_nano: "1790000000123456789" });
    expect(g.deviations[0]).toEqual({ category: "fs_new_path_read", actor: "script:postinstall", value: "/root/.npmrc", severity: "high" });
    expect(g.urls.ui).toEndWith("/ui/runs/0123456789abcdef");
  });
  test("hostile strings survive a JSON round trip byte for byte", () => {
    const m = msg({ package: HOSTILE, deviations: [{ category: "fs_new_path_read", actor: HOSTILE, value: HOSTILE, severity: "high" }] });
    const g = JSON.parse(render("generic", m));
    expect(g.package).toBe(HOSTILE);
    expect(g.deviations[0].value).toBe(HOSTILE);
  });
});

describe("slack", () => {
  test.each([
    ["a & b", "a &amp; b"],
    ["<!channel>", "&lt;!channel&gt;"],
    ["<https://evil.example|click>", "&lt;https://evil.example|click&gt;"],
    ["plain", "plain"],
  ])("escape %p", (raw, want) => expect(slackEscape(raw)).toBe(want));
  test("no raw < > & from attacker strings reach the text", () => {
    const s = slack(msg({ package: HOSTILE, deviations: [{ category: "c", actor: "a", value: HOSTILE, severity: "high" }] }));
    const ours = s.text.split("\n").slice(0, -1).join("\n"); // the last line is our own link
    expect(ours).not.toMatch(/[<>]/);
    expect(ours).not.toMatch(/&(?!amp;|lt;|gt;)/);
    expect(s.text).toContain("&lt;!channel&gt;");
    expect(s.text.split("\n")).toHaveLength(4); // a newline in a value cannot forge a line
  });
  test("names the run, the worst deviations and the link", () => {
    const t = slack(msg()).text;
    expect(t).toContain("2 deviations (max high)");
    expect(t).toContain("evil-pkg@1.0.1");
    expect(t).toContain("[high] fs_new_path_read: /root/.npmrc");
    expect(t).toContain("<http://127.0.0.1:8443/ui/runs/0123456789abcdef|Open run 0123456789abcdef>");
  });
});

describe("discord", () => {
  test.each([
    ["@everyone", "\\@everyone"],
    ["**b**", "\\*\\*b\\*\\*"],
    ["[x](y)", "\\[x\\]\\(y\\)"],
    ["<@123>", "\\<\\@123\\>"],
    ["a_b`c`", "a\\_b\\`c\\`"],
    ["\\", "\\\\"],
  ])("escape %p", (raw, want) => expect(discordEscape(raw)).toBe(want));
  test("mentions disabled and no unescaped markup from attacker strings", () => {
    const d = discord(msg({ package: HOSTILE, version: "@here" }));
    expect(d.allowed_mentions).toEqual({ parse: [] });
    expect(d.content).not.toMatch(/(^|[^\\])@(everyone|here)/);
    expect(d.content).not.toMatch(/(^|[^\\])\[x\]/);
    expect(d.content).toContain("\\*\\*bold\\*\\*");
    expect(d.content.split("\n")).toHaveLength(4);
  });
  test("stays within Discord's 2000 characters", () => {
    const many = Array.from({ length: 10 }, (_, i) => ({ category: "fs_new_path_read", actor: "a", value: `/x/${"y".repeat(300)}${i}`, severity: "high" }));
    const d = discord(msg({ deviations: many, deviation_count: 50 }));
    expect(d.content.length).toBeLessThanOrEqual(2000);
    expect(d.content).toContain("/ui/runs/0123456789abcdef");
  });
});

test("test messages say they are synthetic", () => {
  expect(slack(msg({ kind: "test" })).text).toContain("test notification");
  expect(JSON.parse(render("generic", msg({ kind: "test" }))).type).toBe("fangs.test");
});

describe("the release diff line (issue 14)", () => {
  const line = "What changed: since evil-pkg@1.0.0: 1 new dependency. Cause: new dependency x@1.2.3 (postinstall `node setup.js --tag '<img src=x onerror=alert(1)>' @everyone`, new in this release) → read /root/.aws/credentials\n* forged line";
  test("one line in every template, escaped for its markup, capped", () => {
    const s = slack(msg({ release_diff: line })).text;
    expect(s).toContain("What changed: since evil-pkg@1.0.0");
    expect(s).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(s).not.toContain("<img");
    expect(s).not.toContain("\n* forged line");
    const d = discord(msg({ release_diff: line })).content;
    expect(d).toContain("What changed\\: since evil\\-pkg\\@1.0.0");
    expect(d).toContain("\\@everyone");
    expect(d).not.toContain("\n* forged line");
    expect(JSON.parse(render("generic", msg({ release_diff: line }))).release_diff).toBe(line);
    expect(JSON.parse(render("generic", msg({ release_diff: "x".repeat(5000) }))).release_diff.length).toBe(600);
    expect(slack(msg({ release_diff: "y".repeat(5000) })).text.length).toBeLessThan(1200);
  });
  test("absent without a manifest", () => {
    expect(slack(msg()).text).not.toContain("What changed");
    expect(JSON.parse(render("generic", msg())).release_diff).toBeNull();
  });
});
