// A run's fingerprints are kept as one document per run (migration 0012).
// Runs diffed before that version still have one row per fingerprint: they
// are read as they are, and a re-diff moves them to the new form.
import { expect, test } from "bun:test";
import { eachBackend } from "./backends.ts";
import { enqueueScan } from "../../src/store/runs.ts";
import { loadRunFingerprints, replaceRunFingerprints } from "../../src/store/fingerprints.ts";
import type { Fingerprint } from "../../src/differ/types.ts";

// Values an install chooses: quotes, NUL, a newline and non-ASCII must come back byte for byte.
const FPS: Fingerprint[] = [
  { category: "fs_new_path_read", actor: "script:postinstall", value: "/root/.npmrc", evidenceSeq: 7 },
  { category: "fs_new_path_write", actor: "npm", value: "/srv/x/\"q\"\u0000\n\u00e9\ud83d\ude00", evidenceSeq: 9_007_199_254 },
  { category: "net_new_https_host", actor: "script:install", value: "h.example", evidenceSeq: 0 },
];

eachBackend("run fingerprints", (open) => {
  test("stored and read back exactly, replaced on a re-diff", async () => {
    const db = await open();
    const run = await enqueueScan(db, { package: "fp-pkg", version: "1.0.0", source: "manual", actor: "test" });
    expect(await loadRunFingerprints(db, run.id)).toEqual([]);
    await replaceRunFingerprints(db, run.id, FPS);
    expect(await loadRunFingerprints(db, run.id)).toEqual(FPS);
    await replaceRunFingerprints(db, run.id, FPS.slice(1));
    expect(await loadRunFingerprints(db, run.id)).toEqual(FPS.slice(1));
  });

  test("a run stored before 0012 is read from its rows and moved by the next write", async () => {
    const db = await open();
    const run = await enqueueScan(db, { package: "fp-pkg", version: "1.0.1", source: "manual", actor: "test" });
    await db.insertInto("run_fingerprints").values(FPS.map((f) => ({ run_id: run.id, category: f.category, actor: f.actor, value: f.value.replace("\u0000", ""), evidence_seq: f.evidenceSeq }))).execute();
    const legacy = FPS.map((f) => ({ ...f, value: f.value.replace("\u0000", "") }));
    expect(await loadRunFingerprints(db, run.id)).toEqual(expect.arrayContaining(legacy));
    await replaceRunFingerprints(db, run.id, legacy);
    expect(await db.selectFrom("run_fingerprints").select("value").where("run_id", "=", run.id).execute()).toEqual([]);
    expect(await loadRunFingerprints(db, run.id)).toEqual(legacy);
  });
});
