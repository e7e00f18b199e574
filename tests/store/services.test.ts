// The one mutation path (src/service/) over the real store, on every backend:
// each change writes exactly its audit record, chained; and the record is in
// the change's transaction: when the audit write fails, the change is not
// there either (a failing write leaves neither).
import { expect, test } from "bun:test";
import { eachBackend } from "./backends.ts";
import { loadFixture } from "../fixtures/events/load.ts";
import type { Store } from "../../src/store/index.ts";
import { enqueueScan, getRun } from "../../src/store/runs.ts";
import { insertEvents } from "../../src/store/events.ts";
import { diffRun } from "../../src/triage/diff.ts";
import { listDeviations } from "../../src/store/deviations.ts";
import { verifyAuditChain } from "../../src/store/audit_chain.ts";
import { markFinished } from "../lib/runs.ts";
import { allowAdd, allowRemove } from "../../src/service/allow.ts";
import { setPackage, unwatchPackage, watchPackage } from "../../src/service/packages.ts";
import { notifierAdd, notifierRemove, notifierSetEnabled } from "../../src/service/notifiers.ts";
import { promote } from "../../src/service/baseline.ts";
import { submitScan } from "../../src/service/scans.ts";

const who = { actor: "test:operator", defaultRegistry: "http://127.0.0.1:9/" };

async function scan(db: Store, fixture: string, version: string): Promise<string> {
  const run = await enqueueScan(db, { package: "demo-pkg", version, source: "manual", actor: "test" });
  await insertEvents(db, run.id, loadFixture(fixture));
  await markFinished(db, run.id);
  await diffRun(db, run.id);
  return run.id;
}

const count = async (db: Store, table: "audit_log" | "allowlist" | "packages" | "runs" | "notifiers") =>
  Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
const actions = async (db: Store) => (await db.selectFrom("audit_log").select(["action", "actor"]).orderBy("seq").execute()).filter((r) => r.actor === who.actor).map((r) => r.action);

/** The next audit write fails: its chain head is gone (the first statement of every audit write). */
const breakAudit = (db: Store) => db.deleteFrom("audit_head").execute();

eachBackend("service functions", (open) => {
  test("each change writes its audit record, chained", async () => {
    const db = await open();
    await scan(db, "clean-1.0.0-a", "1.0.0");
    const bad = await scan(db, "malicious-1.0.1", "1.0.1");

    const p = await watchPackage(db, { name: "left-pad", version: "1.3.0", skip_registry_validate: true }, who);
    expect(p).toMatchObject({ package: "left-pad", last_seen_version: "1.3.0", kickoff_version: "1.3.0", registry: who.defaultRegistry });
    expect(await setPackage(db, "left-pad", { settings: { duration_s: 90 } }, who)).toMatchObject({ settings: { duration_s: 90 } });
    expect(await unwatchPackage(db, "left-pad", who.actor)).toEqual({ package: "left-pad", watched: false });
    const e = await allowAdd(db, { kind: "sni", value: "Telemetry.Example" }, { actor: who.actor, source: "api" });
    expect(e).toMatchObject({ kind: "sni", value: "telemetry.example", source: "api" });
    expect((await allowRemove(db, e.id.slice(0, 8), who.actor)).id).toBe(e.id);
    const n = await notifierAdd(db, { name: "soc", url: "http://127.0.0.1:9/hook", template: "generic", headers: { "X-Team": "soc" } }, who.actor);
    expect(n).toMatchObject({ name: "soc", header_names: ["X-Team"], enabled: true });
    expect((await notifierSetEnabled(db, "soc", false, who.actor)).changed).toBe(true);
    expect((await notifierSetEnabled(db, "soc", false, who.actor)).changed).toBe(false); // nothing changed: no record
    await notifierRemove(db, "soc", who.actor);
    const s = await submitScan(db, { package: "demo-pkg", version: "1.0.2" }, { ...who, staleAfterMs: 90_000 });
    expect(s).toMatchObject({ status: "queued", runners_alive: 0, warning: expect.stringContaining("No runners") });
    const r = await promote(db, bad.slice(0, 10), { actor: who.actor, configAllow: [] });
    expect(r).toMatchObject({ run_id: bad, package: "demo-pkg", version: "1.0.1", cleared_deviations: 11 });

    expect(await actions(db)).toEqual([
      "package.add", "run.queue", "package.settings", "package.remove", "allow.add", "allow.remove",
      "notifier.add", "notifier.disable", "notifier.remove", "run.queue", "baseline.promote",
    ]);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  test("a failing audit write leaves neither the change nor the record", async () => {
    const db = await open();
    await scan(db, "clean-1.0.0-a", "1.0.0");
    const bad = await scan(db, "malicious-1.0.1", "1.0.1");
    const before = { audit: await count(db, "audit_log"), runs: await count(db, "runs") };
    await breakAudit(db);

    await expect(allowAdd(db, { kind: "sni", value: "x.example" }, { actor: who.actor, source: "cli" })).rejects.toThrow();
    await expect(watchPackage(db, { name: "left-pad", version: "1.3.0", skip_registry_validate: true }, who)).rejects.toThrow();
    await expect(notifierAdd(db, { name: "soc", url: "http://127.0.0.1:9/hook", template: "slack" }, who.actor)).rejects.toThrow();
    await expect(submitScan(db, { package: "demo-pkg", version: "1.0.2" }, { ...who, staleAfterMs: 90_000 })).rejects.toThrow();
    await expect(promote(db, bad, { actor: who.actor, configAllow: [] })).rejects.toThrow();

    expect(await count(db, "allowlist")).toBe(0);
    expect(await count(db, "packages")).toBe(0);
    expect(await count(db, "notifiers")).toBe(0);
    expect(await count(db, "runs")).toBe(before.runs);
    expect(await count(db, "audit_log")).toBe(before.audit);
    expect((await getRun(db, bad))!.is_baseline).toBe(0);
    expect((await listDeviations(db, { runId: bad })).length).toBe(11);
  });
});
