// The audit writer and reader over both backends: rows round-trip with their
// before/after JSON, newest first, filtered by kind and target, limited.
import { expect, test } from "bun:test";
import { eachBackend } from "../store/backends.ts";
import { audit, listAudit } from "../../src/store/audit.ts";

eachBackend("audit log", (open) => {
  test("write, read back newest first, filter, limit", async () => {
    const db = await open();
    const t0 = Date.now();
    await audit(db, { actor: "cli:root@h", action: "package.add", target_kind: "package", target_id: "left-pad", after: { watched: 1, note: "quote \" and \u001b" } });
    await Bun.sleep(5);
    await audit(db, { actor: "runner:r1", action: "run.finish", target_kind: "run", target_id: "00000000000000aa", before: { status: "running" }, after: { status: "finished", exit_code: 0 } });
    await Bun.sleep(5);
    await audit(db, { actor: "cli:root@h", action: "package.remove", target_kind: "package", target_id: "left-pad", before: { watched: 1 } });

    const all = await listAudit(db);
    expect(all.map((r) => r.action)).toEqual(["package.remove", "run.finish", "package.add"]);
    expect(typeof all[0].at).toBe("number");
    expect(all[0].at).toBeGreaterThanOrEqual(t0);
    expect(all[2].after).toEqual({ watched: 1, note: "quote \" and \u001b" });
    expect(all[2].before).toBeNull();
    expect(all[1].before).toEqual({ status: "running" });

    expect((await listAudit(db, { targetKind: "run" })).map((r) => r.target_id)).toEqual(["00000000000000aa"]);
    expect((await listAudit(db, { targetId: "left-pad" })).length).toBe(2);
    expect((await listAudit(db, { limit: 1 })).map((r) => r.action)).toEqual(["package.remove"]);
    expect(await listAudit(db, { targetKind: "notifier" })).toEqual([]);
  });
});
