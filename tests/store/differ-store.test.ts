// diffRun / promoteRun over the real store: seeding, auto-promotion, K clean
// runs, deviations with pinned evidence, pending, promotion.
import { expect, test } from "bun:test";
import { eachBackend } from "./backends.ts";
import { loadFixture } from "../fixtures/events/load.ts";
import type { Store } from "../../src/store/index.ts";
import { enqueueScan, getRun } from "../../src/store/runs.ts";
import { insertEvents } from "../../src/store/events.ts";
import { diffRun } from "../../src/differ/run.ts";
import { markFinished } from "../lib/runs.ts";
import { promoteRun } from "../../src/differ/promote.ts";
import { listPending } from "../../src/store/pending.ts";
import { listBaseline } from "../../src/store/baseline.ts";
import { getDeviation, listDeviations } from "../../src/store/deviations.ts";
import { addAllow } from "../../src/store/allowlist.ts";

async function scan(db: Store, fixture: string, version = "1.0.0"): Promise<string> {
  const run = await enqueueScan(db, { package: "demo-pkg", version, source: "manual", actor: "test" });
  await insertEvents(db, run.id, loadFixture(fixture));
  await markFinished(db, run.id);
  return run.id;
}

async function auditActions(db: Store): Promise<string[]> {
  return (await db.selectFrom("audit_log").select("action").orderBy("at").execute()).map((r) => r.action);
}

eachBackend("differ over the store", (open) => {
  test("seed, auto-promote, deviations with evidence, pending, promote", async () => {
    const db = await open();
    const seed = await scan(db, "clean-1.0.0-a");
    expect(await diffRun(db, seed)).toEqual({ verdict: "seeded", deviations: 0, maxSeverity: null });
    const seeded = await listBaseline(db, "demo-pkg");
    expect(seeded.length).toBeGreaterThan(40);
    expect(seeded.every((b) => b.occurrence_count === 1)).toBe(true);

    const honest = await scan(db, "clean-1.0.0-b");
    expect(await diffRun(db, honest)).toEqual({ verdict: "clean", deviations: 0, maxSeverity: null });
    expect((await getRun(db, honest))!.is_baseline).toBe(1);
    const bumped = (await listBaseline(db, "demo-pkg")).find((b) => b.actor === "npm" && b.value === "/root/.npmrc")!;
    expect(bumped.occurrence_count).toBe(2);
    expect(bumped.last_seen_run).toBe(honest);

    const upgrade = await scan(db, "upgrade-1.1.0", "1.1.0");
    expect((await diffRun(db, upgrade)).verdict).toBe("clean");

    const bad = await scan(db, "malicious-1.0.1", "1.0.1");
    expect(await diffRun(db, bad)).toEqual({ verdict: "deviations", deviations: 11, maxSeverity: "critical" });
    const run = (await getRun(db, bad))!;
    expect([run.verdict, run.deviation_count, run.max_severity, run.is_baseline]).toEqual(["deviations", 11, "critical", 0]);

    const devs = await listDeviations(db, { runId: bad });
    expect(devs[0].severity).toBe("critical");
    const npmrc = devs.find((d) => d.value === "/root/.npmrc")!;
    const shown = (await getDeviation(db, npmrc.id))!;
    expect(shown.evidence).toMatchObject({ kind: "file", path: "/root/.npmrc", seq: npmrc.evidence_seq });
    expect(shown.pinned).toBe(true);
    const pinned = await db.selectFrom("events").select("seq").where("run_id", "=", bad).where("pinned", "=", 1).execute();
    // Every evidence event is pinned, and nothing else (one event can be the evidence of two findings).
    expect(pinned.map((p) => Number(p.seq)).sort((a, b) => a - b)).toEqual([...new Set(devs.map((d) => Number(d.evidence_seq)))].sort((a, b) => a - b));

    const pending = await listPending(db);
    expect(pending).toEqual([
      expect.objectContaining({ run_id: bad, package: "demo-pkg", version: "1.0.1", deviation_count: 11, max_severity: "critical", promote_command: `fangs baseline promote ${bad.slice(0, 12)}` }),
    ]);
    expect(await listPending(db, { minSeverity: "critical" })).toHaveLength(1);
    expect(await listPending(db, { package: "other" })).toHaveLength(0);
    await expect(listPending(db, { minSeverity: "severe" })).rejects.toThrow(/unknown severity/);

    // Re-diffing is idempotent.
    expect((await diffRun(db, bad)).deviations).toBe(11);
    expect(await listDeviations(db, { runId: bad })).toHaveLength(11);

    // Retention prunes all but the pinned evidence; promotion still merges every fingerprint of the run.
    await db.deleteFrom("events").where("run_id", "=", bad).where("pinned", "=", 0).execute();
    const p = await promoteRun(db, bad, "cli:test");
    expect(p.cleared).toBe(11);
    expect(p.merged + p.allowlisted).toBe((await db.selectFrom("run_fingerprints").select("value").where("run_id", "=", bad).execute()).length);
    expect(p.merged).toBeGreaterThan(50);
    expect(await listPending(db)).toEqual([]);
    expect((await getRun(db, bad))!.is_baseline).toBe(1);
    const cleared = await listDeviations(db, { runId: bad, includeCleared: true });
    expect(cleared.every((d) => d.cleared === 1 && d.cleared_by === "cli:test")).toBe(true);
    expect((await listBaseline(db, "demo-pkg")).some((b) => b.actor.startsWith("script:") && b.value === "/root/.npmrc")).toBe(true);

    await expect(promoteRun(db, bad, "cli:test")).rejects.toThrow(/already part of the demo-pkg baseline/);
    // Re-diffing a baseline run does not count its fingerprints twice.
    const count = async () => (await listBaseline(db, "demo-pkg")).find((b) => b.actor === "npm" && b.value === "/root/.npmrc")!.occurrence_count;
    const before = await count();
    await diffRun(db, honest);
    expect(await count()).toBe(before);

    // After retention pruned the raw events (evidence stays pinned), a re-diff keeps its fingerprints.
    const fpCount = async (id: string) => (await db.selectFrom("run_fingerprints").select("value").where("run_id", "=", id).execute()).length;
    const stored = await fpCount(upgrade);
    await db.deleteFrom("events").where("run_id", "=", upgrade).where("pinned", "=", 0).execute();
    expect((await diffRun(db, upgrade)).verdict).toBe("clean");
    expect(await fpCount(upgrade)).toBe(stored);

    const again = await scan(db, "malicious-1.0.1", "1.0.1");
    expect((await diffRun(db, again)).verdict).toBe("clean");
    const actions = await auditActions(db);
    expect(actions).toContain("baseline.seed");
    expect(actions).toContain("baseline.autopromote");
    expect(actions).toContain("baseline.promote");
  });

  test("clean-runs-to-promote K=2 waits for two consecutive clean runs", async () => {
    const db = await open();
    await diffRun(db, await scan(db, "clean-1.0.0-a"), { cleanRunsToPromote: 2 });
    const first = await scan(db, "clean-1.0.0-b");
    expect((await diffRun(db, first, { cleanRunsToPromote: 2 })).verdict).toBe("clean");
    expect((await getRun(db, first))!.is_baseline).toBe(0);
    const npmrc = async () => (await listBaseline(db, "demo-pkg")).find((b) => b.actor === "npm" && b.value === "/root/.npmrc")!.occurrence_count;
    expect(await npmrc()).toBe(1);
    const second = await scan(db, "clean-1.0.0-a");
    await diffRun(db, second, { cleanRunsToPromote: 2 });
    expect((await getRun(db, second))!.is_baseline).toBe(1);
    expect((await getRun(db, first))!.is_baseline).toBe(1);
    expect(await npmrc()).toBe(2);
  });

  test("allowlist entries (DB and config) suppress deviations", async () => {
    const db = await open();
    await diffRun(db, await scan(db, "clean-1.0.0-a"));
    await addAllow(db, { kind: "cidr", value: "203.0.113.0/24", package: "demo-pkg" }, "test");
    const bad = await scan(db, "malicious-1.0.1", "1.0.1");
    const r = await diffRun(db, bad, { configAllow: [{ kind: "sni", value: "exfil.example" }] });
    expect(r.deviations).toBe(8);
    const values = (await listDeviations(db, { runId: bad })).map((d) => d.value);
    expect(values).not.toContain("203.0.113.7:443");
    expect(values).not.toContain("exfil.example");
  });
});
