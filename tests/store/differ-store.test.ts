// diffRun / promoteRun over the real store: seeding, auto-promotion, K clean
// runs, deviations with pinned evidence, pending, promotion.
import { expect, test } from "bun:test";
import { eachBackend } from "./backends.ts";
import { loadFixture } from "../fixtures/events/load.ts";
import type { Store } from "../../src/store/index.ts";
import { enqueueScan, getRun } from "../../src/store/runs.ts";
import { insertEvents } from "../../src/store/events.ts";
import { diffRun } from "../../src/triage/diff.ts";
import { markFinished } from "../lib/runs.ts";
import { promoteRun } from "../../src/triage/promote.ts";
import { listPending } from "../../src/store/pending.ts";
import { listBaseline } from "../../src/store/baseline.ts";
import { getDeviation, listDeviations } from "../../src/store/deviations.ts";
import { addAllow } from "../../src/store/allowlist.ts";
import { loadRunFingerprints } from "../../src/store/fingerprints.ts";

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
    expect(seeded.length).toBeGreaterThan(30); // the fixture's reads, execs and connects (the loader's system-library reads are folded into the execs)
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
    expect(p.merged + p.allowlisted).toBe((await loadRunFingerprints(db, bad)).length);
    expect(p.merged).toBeGreaterThan(30); // the fixture's whole run (the loader's system-library reads are folded into its execs)
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
    const fpCount = async (id: string) => (await loadRunFingerprints(db, id)).length;
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

  test("clean-runs-to-promote K=2: a finding-free seed is trusted once clean runs cover two distinct releases", async () => {
    const db = await open();
    const seed = await scan(db, "clean-1.0.0-a");
    expect((await diffRun(db, seed, { cleanRunsToPromote: 2 })).verdict).toBe("seeded");
    expect((await getRun(db, seed))!.is_baseline).toBe(0); // provisional
    // Re-running the same release proves nothing.
    const rerun = await scan(db, "clean-1.0.0-b");
    expect((await diffRun(db, rerun, { cleanRunsToPromote: 2 })).verdict).toBe("clean");
    expect((await getRun(db, rerun))!.is_baseline).toBe(0);
    const npmrc = async () => (await listBaseline(db, "demo-pkg")).find((b) => b.actor === "npm" && b.value === "/root/.npmrc")!.occurrence_count;
    expect(await npmrc()).toBe(1);
    const next = await scan(db, "upgrade-1.1.0", "1.1.0");
    expect((await diffRun(db, next, { cleanRunsToPromote: 2 })).verdict).toBe("clean");
    for (const id of [seed, rerun, next]) expect((await getRun(db, id))!.is_baseline).toBe(1);
    expect(await npmrc()).toBe(2);
  });

  test("first sight: a clean first run seeds; a first run with findings is held, stays untrusted, and is trusted once promoted", async () => {
    const db = await open();
    // Clean first run: seeds as before, nothing pending.
    expect(await diffRun(db, await scan(db, "clean-1.0.0-a"))).toEqual({ verdict: "seeded", deviations: 0, maxSeverity: null });
    expect(await listPending(db)).toEqual([]);

    // A package whose first release FANGS sees is already the stealer.
    const other = async (fixture: string, version: string) => {
      const run = await enqueueScan(db, { package: "cold-pkg", version, source: "manual", actor: "test" });
      await insertEvents(db, run.id, loadFixture(fixture));
      await markFinished(db, run.id);
      return run.id;
    };
    const held = await other("malicious-1.0.1", "1.0.1");
    const r = await diffRun(db, held);
    expect(r).toMatchObject({ verdict: "seeded_with_findings", maxSeverity: "critical" });
    const devs = (await listDeviations(db, { runId: held })).map((d) => `${d.severity} ${d.value}`);
    expect(devs).toContain("critical /root/.npmrc");
    expect(devs).toContain("high 203.0.113.7:443");
    expect(devs.every((d) => /^(critical|high) /.test(d))).toBe(true);
    expect((await listDeviations(db, { runId: held })).every((d) => d.reason.startsWith("first sight: "))).toBe(true);
    expect((await getRun(db, held))!.is_baseline).toBe(0);
    expect((await listPending(db)).map((p) => p.run_id)).toEqual([held]);
    // Its fingerprints are the baseline for deltas ...
    expect((await listBaseline(db, "cold-pkg")).length).toBeGreaterThan(40);
    // ... but the same theft in the next release is not clean while the seed is untrusted.
    const again = await other("malicious-1.0.1", "1.0.2");
    const r2 = await diffRun(db, again);
    expect(r2.verdict).toBe("deviations");
    expect((await listDeviations(db, { runId: again })).map((d) => d.value)).toContain("/root/.npmrc");
    // An honest release diffs clean against the held seed but does not make it trusted.
    const honest = await other("clean-1.0.0-a", "1.0.3");
    expect((await diffRun(db, honest)).verdict).toBe("clean");
    expect((await getRun(db, honest))!.is_baseline).toBe(0);

    // The operator reviews and promotes the held seed.
    const p = await promoteRun(db, held, "cli:test");
    expect(p.cleared).toBe(r.deviations);
    expect((await getRun(db, held))!.is_baseline).toBe(1);
    expect((await listPending(db)).map((x) => x.run_id)).toEqual([again]);
    const count = (await listBaseline(db, "cold-pkg")).find((b) => b.actor === "npm" && b.value === "/root/.npmrc")!.occurrence_count;
    expect(count).toBe(1); // the seed was merged once, when it was diffed
    // Trusted now: the accepted behaviour is baseline, and a clean run is promoted.
    const later = await other("malicious-1.0.1", "1.0.4");
    expect((await diffRun(db, later)).verdict).toBe("clean");
    expect((await getRun(db, later))!.is_baseline).toBe(1);
    // Re-diffing the held seed does not merge it twice.
    await diffRun(db, held);
    expect((await listBaseline(db, "cold-pkg")).find((b) => b.actor === "npm" && b.value === "/root/.npmrc")!.occurrence_count).toBe(2);
  });

  test("bait exfiltration: the run's own token base64-encoded into a DNS label holds the first run", async () => {
    const db = await open();
    const token = "npm_Q7wErTy8uIoP2aSdFgHjKl5zXcVbNm4LkJhG";
    const run = await enqueueScan(db, { package: "bait-pkg", version: "1.0.0", source: "manual", actor: "test" });
    await db.updateTable("runs").set({ bait: JSON.stringify([token]) }).where("id", "=", run.id).execute();
    const events = loadFixture("clean-1.0.0-a");
    const script = events.find((e) => e.kind === "file" && e.path.endsWith("/install.js"))!;
    const label = Buffer.from(token).toString("base64").replace(/=+$/, "").toLowerCase();
    events.push({ ...script, seq: events.length, kind: "dns", qname: `${label.slice(0, 30)}.${label.slice(30)}.t.exfil.example`, qtype: "A", server: "", port: 53 } as never);
    await insertEvents(db, run.id, events);
    await markFinished(db, run.id);
    const r = await diffRun(db, run.id);
    expect(r).toMatchObject({ verdict: "seeded_with_findings", maxSeverity: "critical" });
    const bait = (await listDeviations(db, { runId: run.id })).find((d) => d.category === "bait_exfiltration")!;
    expect(bait.severity).toBe("critical");
    expect(bait.value).toContain("base64 in dns");
    expect((await getDeviation(db, bait.id))!.evidence).toMatchObject({ kind: "dns" });
  });

  test("runtime baseline: beneath every package of the image it was learned on, and no other", async () => {
    const db = await open();
    const { runtimeFingerprints } = await import("../../src/differ/runtime.ts");
    const { extractFingerprints } = await import("../../src/differ/fingerprint.ts");
    const { saveRuntimeBaseline } = await import("../../src/store/runtime.ts");
    const rows = runtimeFingerprints(extractFingerprints(loadFixture("real-runtime-control-1")), "fangs-runtime-control");
    await saveRuntimeBaseline(db, "sha256:aaaa", rows, "runner:test");
    await saveRuntimeBaseline(db, "sha256:aaaa", rows, "runner:test"); // reported again with the next finish: no duplicates
    expect(await db.selectFrom("runtime_baseline").select("value").execute()).toHaveLength(rows.length);
    const banner = async (fixture: string, version: string, image: string) => {
      const run = await enqueueScan(db, { package: "fangs-fixture-banner", version, source: "manual", actor: "test" });
      await db.updateTable("runs").set({ image_id: image }).where("id", "=", run.id).execute();
      await insertEvents(db, run.id, loadFixture(fixture));
      await markFinished(db, run.id);
      return run.id;
    };
    expect((await diffRun(db, await banner("real-banner-1.0.0-1", "1.0.0", "sha256:aaaa"))).verdict).toBe("seeded");
    expect(await diffRun(db, await banner("real-banner-1.1.0-1", "1.1.0", "sha256:aaaa"))).toEqual({ verdict: "deviations", deviations: 5, maxSeverity: "low" });
    // Another image has not been learned: its run shows the whole start-up.
    expect((await diffRun(db, await banner("real-banner-1.1.0-2", "1.1.1", "sha256:bbbb"))).deviations).toBe(14);
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
