// Install manifests, release diffs and control re-runs on every backend:
// first manifest wins, the baseline release is the newest baseline run of
// another version that has one, the diff is recorded once, controls link.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { eachBackend } from "./backends.ts";
import { REPO } from "../lib/env.ts";
import { enqueueScan } from "../../src/store/runs.ts";
import { claimNext, finishRun, registerRunner } from "../../src/store/queue.ts";
import { baselineManifest, controlOf, getManifest, lastBaselineRun, latestControl, putDiff, putManifest } from "../../src/store/manifests.ts";
import { diffRun } from "../../src/triage/diff.ts";
import { releaseDiffFor } from "../../src/orchestrator/release_diff.ts";
import { queueControl } from "../../src/service/control.ts";
import type { Run } from "../../src/store/schema.ts";

const golden = (k: string) => readFileSync(join(REPO, "tests/fixtures/manifests", `${k}.json`), "utf8");

eachBackend("run manifests", (open) => {
  test("store, baseline lookup, diff once, control re-run", async () => {
    const db = await open();
    await registerRunner(db, { id: "r1", hostname: "r1", version: "t", probes: [], certCn: null });
    const ended: Record<string, Run> = {};
    for (const version of ["1.0.0", "1.1.0"]) {
      const run = await enqueueScan(db, { package: "fangs-fixture-reldep", version, source: "manual", actor: "test" });
      expect((await claimNext(db, "r1"))?.id).toBe(run.id);
      expect(await putManifest(db, run.id, golden(`fangs-fixture-reldep@${version}`), 1234)).toBe(true);
      expect(await putManifest(db, run.id, "{}", 1)).toBe(false); // first one wins
      await finishRun(db, run.id, "r1", { status: "finished", exit_code: 0, events_sent: 0, events_dropped: 0, batch_send_errors: 0, timings: {}, failure_reason: null });
      await diffRun(db, run.id);
      ended[version] = (await db.selectFrom("runs").selectAll().where("id", "=", run.id).executeTakeFirstOrThrow()) as Run;
    }
    expect((await getManifest(db, ended["1.0.0"].id))?.collect_ms).toBe(1234);
    expect((await baselineManifest(db, ended["1.1.0"]))?.run.id).toBe(ended["1.0.0"].id);
    // 1.1.0 (no events: clean) joined the baseline too: it is the other release 1.0.0 would compare with now.
    expect((await baselineManifest(db, ended["1.0.0"]))?.run.id).toBe(ended["1.1.0"].id);
    const d = await releaseDiffFor(db, ended["1.1.0"]);
    expect(d?.deps.map((x) => x.name)).toEqual(["fangs-fixture-reldep-helper"]);
    const row = await getManifest(db, ended["1.1.0"].id);
    expect(row?.diff_base_run).toBe(ended["1.0.0"].id);
    await putDiff(db, ended["1.1.0"].id, { diff: "{}", baseRun: null, us: 1 }); // recorded once: ignored
    expect((await getManifest(db, ended["1.1.0"].id))?.diff).toBe(row!.diff);
    expect((await lastBaselineRun(db, ended["1.1.0"]))?.id).toBe(ended["1.0.0"].id);
    const q = await queueControl(db, ended["1.1.0"], "test");
    expect(q.run).toMatchObject({ version: "1.0.0", runner_target: "r1", spec: ended["1.1.0"].spec });
    expect((await latestControl(db, ended["1.1.0"].id))?.id).toBe(q.run.id);
    expect(await controlOf(db, q.run.id)).toBe(ended["1.1.0"].id);
  });
});
