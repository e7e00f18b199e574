// The same CLI against PostgreSQL (-db postgres://…): a fresh database per file.
import { afterAll, beforeAll, expect, test } from "bun:test";
import pg from "pg";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pgUrl, tempDir } from "../lib/env.ts";
import { expectOneLineError, fangsAsync, withStore } from "./helpers.ts";
import { enqueueScan } from "../../src/store/runs.ts";
import { insertEvents } from "../../src/store/events.ts";
import { diffRun } from "../../src/triage/diff.ts";
import { markFinished } from "../lib/runs.ts";
import { loadFixture } from "../fixtures/events/load.ts";

const name = `fangs_cli_${Date.now().toString(36)}`;
let url: string;

beforeAll(async () => {
  const c = new pg.Client({ connectionString: pgUrl() });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const u = new URL(pgUrl());
  u.pathname = "/" + name;
  url = u.toString();
});

afterAll(async () => {
  const c = new pg.Client({ connectionString: pgUrl() });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await c.end();
});

test("triage loop on PostgreSQL", async () => {
  const bad = await withStore(url, async (db) => {
    for (const [fixture, version] of [["real-widget-1.0.0-1", "1.0.0"], ["real-widget-1.2.0-1", "1.2.0"]]) {
      const r = await enqueueScan(db, { package: "fangs-fixture-widget", version, source: "manual", actor: "test" });
      await insertEvents(db, r.id, loadFixture(fixture));
      await markFinished(db, r.id);
      await diffRun(db, r.id);
      if (version === "1.2.0") return r.id;
    }
    throw new Error("unreachable");
  });
  const pending = JSON.parse((await fangsAsync(["pending", "--json", "-db", url])).stdout);
  expect(pending).toEqual([expect.objectContaining({ run_id: bad, version: "1.2.0", max_severity: "critical", deviation_count: 14 })]);
  const added = await fangsAsync(["allow", "add", "-kind", "sni", "-value", "c2.attacker.example", "-package", "fangs-fixture-widget", "-db", url]);
  expect(added.code).toBe(0);
  expect((await fangsAsync(["baseline", "promote", bad.slice(0, 8), "-db", url])).stdout).toMatch(/\d+ fingerprints merged into baseline, 1 allowlisted, 14 deviations cleared/);
  const baseline = JSON.parse((await fangsAsync(["baseline", "list", "-package", "fangs-fixture-widget", "--json", "-db", url])).stdout);
  expect(baseline.some((b: { value: string }) => b.value === "c2.attacker.example")).toBe(false);
  expect(baseline).toContainEqual(expect.objectContaining({ actor: "script:fangs-fixture-widget:node", value: "/root/.npmrc", occurrence_count: 1 }));
  expect(JSON.parse((await fangsAsync(["pending", "--json", "-db", url])).stdout)).toEqual([]);
  expectOneLineError(await fangsAsync(["run", "show", "ffffffff", "-db", url]), /run ffffffff not found/);
  // Confirmed after promotion: the OSV record still lists the (cleared) deviations.
  expect((await fangsAsync(["run", "confirm", bad.slice(0, 8), "-db", url])).code).toBe(0);
  const osv = JSON.parse((await fangsAsync(["run", "report", bad.slice(0, 8), "-format", "osv", "-db", url])).stdout);
  expect(osv).toMatchObject({ id: `FANGS-${bad}`, affected: [{ package: { ecosystem: "npm", name: "fangs-fixture-widget" }, versions: ["1.2.0"] }] });
  expect(osv.details).toContain("Deviations (14)");
});

test("package import, re-import and package set on PostgreSQL", async () => {
  const dir = tempDir("fangs-pg-lock-");
  const file = join(dir, "package-lock.json");
  const lock = readFileSync(join(import.meta.dir, "../fixtures/lockfiles/package-lock.json"), "utf8").replaceAll("{{REGISTRY}}", "https://registry.npmjs.org/");
  writeFileSync(file, lock);
  const run = async (args: string[]) => {
    const r = await fangsAsync([...args, "--json", "-db", url]);
    if (r.code !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout);
  };
  const first = await run(["package", "import", file, "-skip-registry-validate", "-skip-initial-scan", "-network", "none"]);
  expect(first.added.map((x: { package: string }) => x.package)).toEqual(["@scope/native", "gone-pkg", "has-postinstall", "left-pad", "plain-dep"]);
  const doc = JSON.parse(lock);
  delete doc.packages["node_modules/gone-pkg"];
  writeFileSync(file, JSON.stringify(doc));
  const again = await run(["package", "import", file, "-skip-registry-validate", "-skip-initial-scan"]);
  expect(again).toMatchObject({ added: [], left: ["gone-pkg"] });
  expect((await run(["package", "watched", "-source", file])).map((p: { package: string }) => p.package)).toEqual(["@scope/native", "has-postinstall", "left-pad", "plain-dep"]);
  expect((await run(["package", "set", "left-pad", "-memory", "1024"])).settings).toEqual({ network: "none", memory_mb: 1024 });
});

test("an unreachable PostgreSQL is one clear line", async () => {
  expectOneLineError(await fangsAsync(["pending", "-db", "postgres://postgres@127.0.0.1:1/nope"]), /ECONNREFUSED|connect|refused/i);
});
