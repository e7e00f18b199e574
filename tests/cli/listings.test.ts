// Every listing command of the manual, from dist/fangs against one seeded
// SQLite database: `--json` prints a JSON array (jq-friendly, the same shape
// everywhere) holding the seeded rows, and the Go-style `-flag value` form
// prints exactly what `--flag value` prints.
import { beforeAll, describe, expect, test } from "bun:test";
import { expectOneLineError, fangsAsync, triageDb, withStore } from "./helpers.ts";
import { registerRunner } from "../../src/store/queue.ts";

let db: Awaited<ReturnType<typeof triageDb>>;
const f = (args: string[]) => fangsAsync(args, { FANGS_DB: db.path });

beforeAll(async () => {
  db = await triageDb();
  await withStore(db.path, (s) => registerRunner(s, { id: "scan-01", hostname: "scan-01", version: "test", probes: [], certCn: null }));
  for (const a of [
    ["package", "add", "demo-pkg", "-skip-registry-validate", "-skip-initial-scan"],
    ["allow", "add", "-kind", "cidr", "-value", "203.0.113.0/24", "-note", "test range"],
  ]) {
    const r = await f(a);
    if (r.code !== 0) throw new Error(`seed ${a.join(" ")}: ${r.stderr}`);
  }
});

// command words, its flags (single-dash form), a check on the rows.
type Row = Record<string, unknown>;
const listings: Array<[string, () => string[], (rows: Row[]) => void]> = [
  ["package watched", () => [], (r) => expect(r.map((x) => x.package)).toEqual(["demo-pkg"])],
  ["package list", () => [], (r) => expect(r).toEqual([expect.objectContaining({ package: "demo-pkg", runs: 2, open_deviations: 11 })])],
  ["pending", () => ["-package", "demo-pkg", "-min-severity", "low"], (r) => expect(r).toEqual([expect.objectContaining({ run_id: db.badRun, deviation_count: 11 })])],
  ["deviation list", () => ["-run", db.badRun], (r) => expect(r).toHaveLength(11)],
  ["baseline list", () => ["-package", "demo-pkg"], (r) => expect(r.length).toBeGreaterThan(10)],
  ["allow list", () => [], (r) => expect(r).toEqual([expect.objectContaining({ kind: "cidr", value: "203.0.113.0/24" })])],
  ["run list", () => ["-package", "demo-pkg", "-limit", "5"], (r) => expect(r.map((x) => x.id).sort()).toEqual([db.seedRun, db.badRun].sort())],
  ["release list", () => ["-package", "demo-pkg"], (r) => expect(r.map((x) => x.version).sort()).toEqual(["1.0.0", "1.0.1"])],
  ["audit", () => ["-target-kind", "allowlist", "-limit", "10"], (r) => expect(r).toEqual([expect.objectContaining({ action: "allow.add" })])],
  ["runner list", () => [], (r) => expect(r.map((x) => x.id)).toEqual(["scan-01"])],
  ["ca revoked", () => [], (r) => expect(r).toEqual([])],
];

/** The output without ages that tick between two invocations (runner heartbeat_age_s). */
const stable = (out: string) => JSON.stringify(JSON.parse(out), (k, v) => (k.endsWith("_age_s") ? undefined : v));
const doubled = (flags: string[]) => flags.map((a) => (/^-[a-z]/.test(a) ? "-" + a : a));

describe("every listing has --json and takes -flag and --flag", () => {
  test.each(listings)("%s", async (words, flags, check) => {
    const single = await f([...words.split(" "), ...flags(), "-json"]);
    expect(single.stderr).toBe("");
    expect(single.code).toBe(0);
    const rows = JSON.parse(single.stdout);
    expect(Array.isArray(rows)).toBe(true);
    check(rows);
    const double = await f([...words.split(" "), ...doubled(flags()), "--json"]);
    expect(double.code).toBe(0);
    expect(stable(double.stdout)).toBe(stable(single.stdout));
  });

  test.each(listings)("%s: an unknown flag is one line naming it", async (words) => {
    expectOneLineError(await f([...words.split(" "), "-colour", "red"]), new RegExp(`unknown flag -colour for fangs ${words}$`));
  });
});

describe("wrong words and flags above the command: our one plain line", () => {
  test.each([
    [["nope"], /^Error: unknown command "nope" for fangs$/],
    [["runner", "-bogus", "1"], /^Error: unknown flag -bogus for fangs runner$/],
    [["package", "frobnicate"], /^Error: unknown command "frobnicate" for fangs package$/],
    [["db"], /^Error: fangs db needs a command: migrate, backup$/],
  ])("%p", async (args, err) => {
    const r = await f(args);
    expectOneLineError(r, err);
    expect(r.stderr).not.toContain("\x1b");
    expect(r.stderr).toMatch(/\nTry: fangs .*--help/);
  });
});
