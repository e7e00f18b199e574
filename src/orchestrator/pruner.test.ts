// The pruner does not blame runners for silence the orchestrator caused: not
// while the database refuses writes (their heartbeats got 503), not for
// runner-stale-after after it came back; a run it does fail then says why.
import { expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openMigrated } from "../store/index.ts";
import { loadConfig } from "../core/config.ts";
import { makeDeps } from "./deps.ts";
import { pruneOnce } from "./pruner.ts";
import { claimNext, registerRunner } from "../store/queue.ts";
import { enqueueScan, getRun } from "../store/runs.ts";

test("a database outage: no pruning during it or for stale-after after it; then the reason names it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "fangs-prune-"));
  writeFileSync(join(dir, "o.yaml"), "allowlist: []\n");
  const db = await openMigrated(":memory:");
  const lines: string[] = [];
  const d = makeDeps(db, loadConfig({ config: join(dir, "o.yaml"), "runner-stale-after": 90 }, {}), (l) => lines.push(l));
  const t0 = Date.now();
  d.startedAt = t0 - 3600_000;
  await registerRunner(db, { id: "r1", hostname: "r1" }, t0);
  const run = await enqueueScan(db, { package: "p", version: "1.0.0", source: "manual", actor: "t" });
  expect((await claimNext(db, "r1", t0))?.id).toBe(run.id);

  d.storage.failed("the disk holding the database is full", "SQLITE_FULL", t0 + 1_000);
  expect(await pruneOnce(d, t0 + 95_000)).toBe(0); // silent 95 s, but the outage is on
  d.storage.succeeded(t0 + 100_000);
  expect(await pruneOnce(d, t0 + 150_000)).toBe(0); // 50 s after recovery < 90 s
  expect((await getRun(db, run.id))?.status).toBe("running");
  expect(await pruneOnce(d, t0 + 200_000)).toBe(1);
  const failed = await getRun(db, run.id);
  expect(failed?.status).toBe("failed");
  expect(failed?.failure_reason).toBe("runner r1 stopped heartbeating (silent for 200s) and was pruned (the database could not be written for 99s while it ran: the disk holding the database is full)");
  expect(lines.filter((l) => l.startsWith("database unwritable"))).toHaveLength(1);
  expect(lines).toContain("database writable again after 99s (the disk holding the database is full)");
  await db.destroy();
});
