// Packages, runs by prefix, releases, allowlist (CLI and config-managed):
// the storage functions the CLI and the orchestrator share.
import { expect, test } from "bun:test";
import { eachBackend } from "./backends.ts";
import { addPackage, listPackages, listWatched, removePackage } from "../../src/store/packages.ts";
import { enqueueScan, findRunByPrefix, listRuns } from "../../src/store/runs.ts";
import { listReleases } from "../../src/store/releases.ts";
import { addAllow, configAllowId, listAllow, removeAllow, syncConfigAllowlist } from "../../src/store/allowlist.ts";
import { insertEvents, loadRunEvents } from "../../src/store/events.ts";
import { loadFixture } from "../fixtures/events/load.ts";

eachBackend("catalog storage", (open) => {
  test("packages: add, re-add refused, remove, summaries", async () => {
    const db = await open();
    await addPackage(db, { name: "@scope/pkg", lastSeenVersion: "1.2.3" }, "test");
    await addPackage(db, { name: "lodash", lastSeenVersion: "4.17.21" }, "test");
    await expect(addPackage(db, { name: "lodash", lastSeenVersion: null }, "test")).rejects.toThrow(/already watched/);
    await expect(addPackage(db, { name: "Bad Name", lastSeenVersion: null }, "test")).rejects.toThrow(/not a valid npm package name/);
    await expect(addPackage(db, { name: "../etc/passwd", lastSeenVersion: null }, "test")).rejects.toThrow(/not a valid npm package name/);
    await addPackage(db, { name: "JSONStream", lastSeenVersion: "1.3.5" }, "test"); // legacy capitals
    await removePackage(db, "JSONStream", "test");
    expect((await listWatched(db)).map((p) => p.name)).toEqual(["@scope/pkg", "lodash"]);
    await removePackage(db, "lodash", "test");
    await expect(removePackage(db, "lodash", "test")).rejects.toThrow(/not found/);
    expect((await listWatched(db)).map((p) => p.name)).toEqual(["@scope/pkg"]);
    await enqueueScan(db, { package: "lodash", version: "4.17.21", source: "kickoff", actor: "test" });
    expect(await listPackages(db)).toEqual([
      { package: "lodash", watched: false, runs: 1, baseline_runs: 0, last_run_at: expect.any(Number), open_deviations: 0, baseline_fingerprints: 0 },
    ]);
    const audit = await db.selectFrom("audit_log").select("action").execute();
    expect(audit.map((a) => a.action).sort()).toEqual(["package.add", "package.add", "package.add", "package.remove", "package.remove", "run.queue"]);
  });

  test("runs: newest first, limit, git-style prefixes", async () => {
    const db = await open();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await enqueueScan(db, { package: "p", version: `1.0.${i}`, source: "manual", actor: "t" })).id);
    expect((await listRuns(db, { package: "p", limit: 2 })).length).toBe(2);
    expect((await findRunByPrefix(db, ids[1].slice(0, 16))).id).toBe(ids[1]);
    await expect(findRunByPrefix(db, "zz")).rejects.toThrow(/not found/);
    await expect(findRunByPrefix(db, "")).rejects.toThrow(/invalid run id/);
    // Force an ambiguity: two ids with a shared prefix.
    await db.updateTable("runs").set({ id: "abc1000000000000" }).where("id", "=", ids[0]).execute();
    await db.updateTable("runs").set({ id: "abc2000000000000" }).where("id", "=", ids[2]).execute();
    await expect(findRunByPrefix(db, "abc")).rejects.toThrow(/ambiguous: matches abc1000000000000, abc2000000000000/);
    expect((await listReleases(db, { package: "p" })).map((r) => r.version).sort()).toEqual(["1.0.0", "1.0.1", "1.0.2"]);
  });

  test("allowlist: add validates, prefix removal, config entries keep stable cfg ids", async () => {
    const db = await open();
    await expect(addAllow(db, { kind: "cidr", value: "10.0.0.0/33" }, "t")).rejects.toThrow(/not a CIDR/);
    await expect(addAllow(db, { kind: "ip", value: "1.2.3.4" }, "t")).rejects.toThrow(/unknown allowlist kind/);
    const e = await addAllow(db, { kind: "path", value: "/opt/vendor/", note: "vendored" }, "t");
    await expect(addAllow(db, { kind: "path", value: "/opt/vendor/" }, "t")).rejects.toThrow(/already allowlisted \(entry [0-9a-f]{16}\)/);
    await addAllow(db, { kind: "path", value: "/opt/vendor/", package: "axios" }, "t").then((x) => removeAllow(db, x.id, "t"));
    const cfg = [{ kind: "sni" as const, value: "telemetry.example", package: "axios" }, { kind: "cidr" as const, value: "198.51.100.0/24" }];
    expect((await syncConfigAllowlist(db, cfg)).added).toHaveLength(2);
    expect(await syncConfigAllowlist(db, cfg)).toEqual({ added: [], removed: [] });
    const ids = (await listAllow(db)).filter((a) => a.source === "config").map((a) => a.id).sort();
    expect(ids).toEqual(cfg.map(configAllowId).sort());
    expect(ids.every((i) => /^cfg[0-9a-f]{13}$/.test(i))).toBe(true);
    await expect(removeAllow(db, ids[0], "t")).rejects.toThrow(/comes from the config file/);
    expect((await syncConfigAllowlist(db, cfg.slice(1))).removed).toEqual([configAllowId(cfg[0])]);
    await removeAllow(db, e.id.slice(0, 6), "t");
    expect((await listAllow(db)).map((a) => a.value)).toEqual(["198.51.100.0/24"]);
  });

  test("events: bulk insert in chunks, retried batch is a no-op", async () => {
    const db = await open();
    const evs = loadFixture("upgrade-1.1.0");
    expect(await insertEvents(db, "r1", evs)).toBe(evs.length);
    // Re-sent events are not inserted and not counted, on full chunks and the tail alike.
    expect(await insertEvents(db, "r1", evs.slice(0, 1500))).toBe(0);
    const back = await loadRunEvents(db, "r1");
    expect(back.length).toBe(evs.length);
    expect(back[1234]).toEqual(evs[1234]);
  });
});
