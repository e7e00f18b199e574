// The triage loop on a database holding a seeded baseline and a malicious
// release: pending → deviation list/show → baseline promote, plus run and
// baseline listings, all through dist/fangs.
import { beforeAll, describe, expect, test } from "bun:test";
import { expectOneLineError, fangsAsync, triageDb, withStore } from "./helpers.ts";

let db: { path: string; seedRun: string; badRun: string };
const f = (args: string[], env: Record<string, string> = {}) => fangsAsync([...args, "-db", db.path], env);

beforeAll(async () => {
  db = await triageDb();
});

describe("reading the queue", () => {
  test("pending --json: one row per run with the literal promote command", async () => {
    const r = await f(["pending", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      {
        run_id: db.badRun, package: "demo-pkg", version: "1.0.1", deviation_count: 11, max_severity: "critical",
        last_detected_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), promote_command: `fangs baseline promote ${db.badRun.slice(0, 12)}`,
        incomplete: false, issues: [], rescan_command: null, phases: ["install"],
      },
    ]);
  });

  test.each([
    [["-package", "demo-pkg"], 1],
    [["-min-severity", "critical"], 1],
    [["--min-severity", "high"], 1],
  ])("pending %p --json → %d rows", async (flags, n) => {
    expect(JSON.parse((await f(["pending", ...(flags as string[]), "--json"])).stdout)).toHaveLength(n as number);
  });

  test("pending as a table names the promote command", async () => {
    const r = await f(["pending"]);
    expect(r.stdout).toMatch(/RUN\s+PACKAGE\s+VERSION\s+DEVIATIONS\s+PHASES\s+MAX SEVERITY\s+LAST DETECTED\s+PROMOTE WITH/);
    expect(r.stdout).toContain(`fangs baseline promote ${db.badRun.slice(0, 12)}`);
  });

  test("deviation list -run <prefix> and deviation show <id> with the full event JSON", async () => {
    const list = JSON.parse((await f(["deviation", "list", "-run", db.badRun.slice(0, 6), "--json"])).stdout);
    expect(list).toHaveLength(11);
    expect(list[0]).toMatchObject({ run_id: db.badRun, severity: "critical", cleared: false });
    const npmrc = list.find((d: { value: string }) => d.value === "/root/.npmrc");
    expect(npmrc).toMatchObject({ category: "fs_new_path_read", actor: "script:demo-pkg:node" });
    const shown = JSON.parse((await f(["deviation", "show", npmrc.id, "--json"])).stdout);
    expect(shown.evidence).toMatchObject({ kind: "file", path: "/root/.npmrc", seq: npmrc.evidence_seq, ancestry: expect.any(Array) });
    expect(shown.evidence_pinned).toBe(true);
    const text = await f(["deviation", "show", npmrc.id.slice(0, 8)]);
    expect(text.stdout).toContain('"path": "/root/.npmrc"');
    expect(text.stdout).toMatch(/^lineage\s+\d+ node \(\/usr\/local\/bin\/node\) <- \d+ sh \(\/bin\/busybox\) <- \d+ npm install dem/m);
  });

  test("run list / run show / package list / release list", async () => {
    const runs = JSON.parse((await f(["run", "list", "-package", "demo-pkg", "-limit", "1", "--json"])).stdout);
    expect(runs).toEqual([expect.objectContaining({ id: db.badRun, verdict: "deviations", deviation_count: 11, max_severity: "critical", is_baseline: false })]);
    const seed = JSON.parse((await f(["run", "show", db.seedRun.slice(0, 10), "--json"])).stdout);
    expect(seed).toMatchObject({ id: db.seedRun, verdict: "seeded", is_baseline: true, events_count: expect.any(Number) });
    const pk = JSON.parse((await f(["package", "list", "--json"])).stdout);
    expect(pk).toEqual([expect.objectContaining({ package: "demo-pkg", runs: 2, baseline_runs: 1, open_deviations: 11 })]);
    expect((await f(["release", "list", "-package", "demo-pkg"])).stdout).toMatch(/demo-pkg\s+1\.0\.1/);
  });
});

describe("bad input: one line on stderr, exit 1", () => {
  test.each([
    [["pending", "-min-severity", "severe"], /unknown severity "severe"/],
    [["pending", "--package", "demo-pgk"], /package demo-pgk not found/],
    [["run", "list", "-package", "demo-pgk"], /package demo-pgk not found/],
    [["release", "list", "-package", "demo-pgk"], /package demo-pgk not found/],
    [["run", "show", "zzzz"], /run zzzz not found/],
    [["run", "show", "xyz!"], /invalid run id/],
    [["run", "list", "-limit", "ten"], /-limit must be a whole number from 1 to 100000 \(got "ten"\)/],
    [["deviation", "list"], /missing -run/],
    [["deviation", "list", "-run", "ffffffffffff0"], /not found/],
    [["deviation", "show", "0000000000000000"], /deviation 0000000000000000 not found/],
    [["baseline", "list"], /missing -package/],
    [["baseline", "list", "-package", "never-seen"], /package never-seen not found/],
    [["baseline", "promote", "beef0000beef"], /run beef0000beef not found/],
    [["pending", "-bogus"], /unknown flag -bogus/],
  ])("%p", async (args, err) => {
    expectOneLineError(await f(args as string[]), err as RegExp);
  });

  test("an ambiguous run prefix lists the candidates", async () => {
    await withStore(db.path, async (s) => {
      const r = await s.selectFrom("runs").selectAll().where("id", "=", db.seedRun).executeTakeFirstOrThrow();
      await s.insertInto("runs").values({ ...r, id: "dead0001aaaaaaaa", is_baseline: 0 }).execute();
      await s.insertInto("runs").values({ ...r, id: "dead0002bbbbbbbb", is_baseline: 0 }).execute();
    });
    expectOneLineError(await f(["run", "show", "dead"]), /ambiguous: matches dead0001aaaaaaaa, dead0002bbbbbbbb/);
    expectOneLineError(await f(["baseline", "promote", "dead000"]), /ambiguous/);
    await withStore(db.path, (s) => s.deleteFrom("runs").where("id", "in", ["dead0001aaaaaaaa", "dead0002bbbbbbbb"]).execute());
  });
});

describe("attacker-controlled strings", () => {
  test("control characters in a deviation value are escaped in tables and stay valid JSON", async () => {
    const evil = "/tmp/\u001b[2J\u001b]0;pwned\u0007\u202ename";
    await withStore(db.path, async (s) => {
      const d = await s.selectFrom("deviations").selectAll().where("run_id", "=", db.badRun).limit(1).executeTakeFirstOrThrow();
      await s.insertInto("deviations").values({ ...d, id: "e0e0e0e0e0e0e0e0", value: evil, actor: "script:\u001b[31mx" }).execute();
    });
    const table = await f(["deviation", "list", "-run", db.badRun]);
    expect(table.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
    expect(table.stdout).toContain("\\u001b[2J");
    const shown = await f(["deviation", "show", "e0e0e0e0"]);
    expect(shown.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
    const json = JSON.parse((await f(["deviation", "show", "e0e0e0e0", "--json"])).stdout);
    expect(json.value).toBe(evil);
    await withStore(db.path, (s) => s.deleteFrom("deviations").where("id", "=", "e0e0e0e0e0e0e0e0").execute());
  });
});

describe("promotion", () => {
  test("baseline promote <prefix> merges, clears, and empties pending", async () => {
    const before = JSON.parse((await f(["baseline", "list", "-package", "demo-pkg", "--json"])).stdout);
    const r = await f(["baseline", "promote", db.badRun.slice(0, 12), "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ run_id: db.badRun, cleared_deviations: 11 });
    expect(JSON.parse((await f(["pending", "--json"])).stdout)).toEqual([]);
    const after = JSON.parse((await f(["baseline", "list", "-package", "demo-pkg", "--json"])).stdout);
    expect(after.length).toBe(before.length + 11);
    expect(after).toContainEqual(expect.objectContaining({ category: "fs_new_path_read", actor: "script:demo-pkg:node", value: "/root/.npmrc", first_seen_run: db.badRun }));
    const cleared = JSON.parse((await f(["deviation", "list", "-run", db.badRun, "-all", "--json"])).stdout);
    expect(cleared.every((d: { cleared: boolean; cleared_by: string }) => d.cleared && d.cleared_by.startsWith("cli:"))).toBe(true);
    expect(JSON.parse((await f(["run", "show", db.badRun, "--json"])).stdout).is_baseline).toBe(true);
  });
});
