// The CLI in remote mode (-orchestrator URL -operator-token TOKEN) against a
// real `fangs serve`, beside the same commands on a database directly: the
// same output and the same --json, ids and times aside (each side makes its
// own), the same one-line errors; the change lands in the served database
// with its audit record; without the token nothing changes. Both sides use a
// loopback fake registry (no traffic leaves the host, the watcher's included).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expectOneLineError, fangsAsync, freshDb, packumentRegistry, triageDb, withStore } from "./helpers.ts";
import { api, startServe, type Serve } from "../orchestrator/lib.ts";
import { tempDir } from "../lib/env.ts";

const TOKEN = "remote-operator-token-0123456789";
let local: { path: string; seedRun: string; badRun: string };
let remote: { path: string; seedRun: string; badRun: string };
let srv: Serve;
const EMPTY = packumentRegistry({});

beforeAll(async () => {
  local = await triageDb();
  remote = await triageDb();
  srv = await startServe({ db: remote.path, args: ["-operator-token", TOKEN], env: { FANGS_REGISTRY: EMPTY() } });
});
afterAll(async () => {
  await srv?.stop();
});

const onLocal = (...args: string[]) => fangsAsync([...args, "-db", local.path], { FANGS_REGISTRY: EMPTY() });
const onRemote = (...args: string[]) => fangsAsync([...args, "-orchestrator", srv.url, "-operator-token", TOKEN]);
/** Ids and times differ between two databases; everything else must not. */
const norm = (s: string) => s.replace(/\b[0-9a-f]{12,16}\b/g, "<id>").replace(/\b\d+[smhd] ago\b/g, "<ago>").replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, "<time>").replace(/"(\w+_ms|heartbeat_age_s)": \d+/g, '"$1": <n>');

async function same(local: string[], remote: string[] = local): Promise<{ stdout: string }> {
  const [l, r] = [await onLocal(...local), await onRemote(...remote)];
  expect({ code: r.code, stdout: norm(r.stdout), stderr: norm(r.stderr) }).toEqual({ code: l.code, stdout: norm(l.stdout), stderr: norm(l.stderr) });
  return r;
}

async function remoteAudit(): Promise<Array<{ action: string; actor: string }>> {
  return withStore(remote.path, (db) => db.selectFrom("audit_log").select(["action", "actor", "seq"]).orderBy("seq").execute());
}

describe("CLI remote mode", () => {
  test("package add / set / remove: same output and --json", async () => {
    const r = await same(["package", "add", "left-pad", "-skip-registry-validate", "-version", "1.3.0", "-network", "none", "--json"]);
    expect(JSON.parse(r.stdout)).toMatchObject({ package: "left-pad", kickoff_version: "1.3.0", settings: { network: "none" } });
    await same(["package", "set", "left-pad", "-duration", "90s"]);
    await same(["package", "remove", "left-pad"]);
    await same(["package", "add", "@scope/pkg", "-skip-registry-validate", "-skip-initial-scan"]);
    await same(["package", "remove", "@scope/pkg", "--json"]);
    expect((await remoteAudit()).filter((a) => a.actor === "api:operator").map((a) => a.action)).toEqual(["package.add", "run.queue", "package.settings", "package.remove", "package.add", "package.remove"]);
  });

  test("allow add / remove: same output, --json and errors", async () => {
    const r = await same(["allow", "add", "-kind", "sni", "-value", "Telemetry.Example", "-note", "vendor", "--json"]);
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: "sni", value: "telemetry.example", source: "cli" });
    await same(["allow", "add", "-kind", "path", "-value", "/root/.cache/node-gyp/20.11.1/**"]);
    // the same rule twice: the orchestrator's refusal is the local one, word for word
    await same(["allow", "add", "-kind", "sni", "-value", "telemetry.example"]);
    await same(["allow", "list"]);
    const l = JSON.parse((await onLocal("allow", "list", "--json")).stdout);
    const rm = JSON.parse((await same(["allow", "list", "--json"])).stdout);
    expect(rm.length).toBe(l.length);
    const lid = l.find((e: { kind: string }) => e.kind === "sni").id as string;
    const rid = rm.find((e: { kind: string }) => e.kind === "sni").id as string;
    await same(["allow", "remove", lid.slice(0, 8), "--json"], ["allow", "remove", rid.slice(0, 8), "--json"]);
    await same(["allow", "remove", "ffffffff"]);
    expectOneLineError(await onRemote("allow", "remove", "ffffffff"), /allow/);
  });

  test("notifier add / disable / enable / remove: same output and --json, no secret back", async () => {
    const add = ["notifier", "add", "-name", "soc", "-url", "https://hooks.slack.example/services/T0/B0/secretpart", "-template", "slack", "-headers", '{"X-Team":"soc"}'];
    await same(add);
    await same(add); // already exists
    await same(["notifier", "list"]);
    await same(["notifier", "list", "--json"]);
    await same(["notifier", "disable", "soc", "--json"]);
    await same(["notifier", "disable", "soc"]);
    await same(["notifier", "enable", "soc"]);
    const r = await same(["notifier", "remove", "soc", "--json"]);
    expect(r.stdout).not.toContain("secretpart");
    await same(["notifier", "add", "-name", "x", "-url", "http://hooks.example/x", "-template", "slack"]); // plain http to a public host: refused alike
  });

  test("pending: same table, --json and errors", async () => {
    const r = await same(["pending", "--json"]);
    expect(JSON.parse(r.stdout)).toEqual([expect.objectContaining({ package: "demo-pkg", version: "1.0.1", deviation_count: 11 })]);
    await same(["pending"]);
    await same(["pending", "-package", "demo-pkg", "-min-severity", "high"]);
    await same(["pending", "-package", "never-seen"]);
    await same(["pending", "-min-severity", "urgent"]);
  });

  test("run list / run show / deviation list: same output, --json and errors; prefixes resolve alike", async () => {
    await same(["run", "list"]);
    const r = await same(["run", "list", "--json", "-package", "demo-pkg", "-limit", "5"]);
    expect(JSON.parse(r.stdout).map((x: { version: string }) => x.version)).toEqual(["1.0.1", "1.0.0"]);
    await same(["run", "list", "-package", "never-seen"]); // unknown package: the same 404 line
    expectOneLineError(await onRemote("run", "list", "-package", "never-seen"), /^Error: package never-seen not found$/);
    await same(["run", "list", "-limit", "0"]);
    // the API lists at most 1000 at once: said before asking, not a 400 from the server
    expectOneLineError(await onRemote("run", "list", "-limit", "5000"), /^Error: -limit 5000 is over the 1000 runs the API lists at once$/);
    await same(["run", "list", "-limit", "1000", "--json"]);
    const [l8, r8] = [local.badRun.slice(0, 8), remote.badRun.slice(0, 8)];
    await same(["run", "show", l8], ["run", "show", r8]);
    const shown = await same(["run", "show", local.badRun, "--json"], ["run", "show", remote.badRun, "--json"]);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: remote.badRun, package: "demo-pkg", version: "1.0.1" });
    for (const bad of ["ffffffff", "zz", "ABCDEFG", "0".repeat(17), "a b", ""]) await same(["run", "show", bad]);
    expectOneLineError(await onRemote("run", "show", "ffffffff"), /^Error: run ffffffff not found$/);
    const devs = await same(["deviation", "list", "-run", l8, "--json"], ["deviation", "list", "-run", r8, "--json"]);
    expect(JSON.parse(devs.stdout)).toHaveLength(11);
    await same(["deviation", "list", "-run", l8], ["deviation", "list", "-run", r8]);
    await same(["deviation", "list", "-run", l8, "-all"], ["deviation", "list", "-run", r8, "-all"]);
    await same(["deviation", "list", "-run", local.seedRun.slice(0, 10)], ["deviation", "list", "-run", remote.seedRun.slice(0, 10)]); // none open
    await same(["deviation", "list", "-run", "ffffffff"]);
    await same(["deviation", "list"]);
  }, 60_000);

  test("baseline promote: same output and --json; the served baseline changes", async () => {
    await same(["baseline", "promote", local.badRun.slice(0, 12), "--json"], ["baseline", "promote", remote.badRun.slice(0, 12), "--json"]);
    await same(["baseline", "promote", local.badRun.slice(0, 12)], ["baseline", "promote", remote.badRun.slice(0, 12)]); // already promoted
    const pending = await withStore(remote.path, (db) => db.selectFrom("deviations").select("id").where("run_id", "=", remote.badRun).where("cleared", "=", 0).execute());
    expect(pending).toEqual([]);
    expect((await remoteAudit()).at(-1)).toMatchObject({ action: "baseline.promote", actor: "api:operator" });
    await same(["deviation", "list", "-run", local.badRun.slice(0, 8), "-all"], ["deviation", "list", "-run", remote.badRun.slice(0, 8), "-all"]);
    // who cleared them is each side's own actor (the CLI user, the API's operator)
    const cleared = JSON.parse((await onRemote("deviation", "list", "-run", remote.badRun.slice(0, 8), "-all", "--json")).stdout);
    expect(cleared.map((d: { cleared: boolean; cleared_by: string }) => [d.cleared, d.cleared_by])).toEqual(Array(11).fill([true, "api:operator"]));
    await same(["deviation", "list", "-run", local.badRun.slice(0, 8)], ["deviation", "list", "-run", remote.badRun.slice(0, 8)]);
  });

  test("runner list: the same pool as the database holds", async () => {
    for (const path of [local.path, remote.path]) {
      await withStore(path, (db) => db.insertInto("runners").values({ id: "scan-01", hostname: "scan-01.example", cert_cn: null, version: "1.0.0", probes: "[]", registered_at: Date.now(), last_heartbeat_at: Date.now(), active_run_id: null }).execute());
    }
    await same(["runner", "list"]);
    const r = await same(["runner", "list", "--json"]);
    expect(JSON.parse(r.stdout)).toEqual([expect.objectContaining({ id: "scan-01", hostname: "scan-01.example", alive: true })]);
  });

  test("scan submit goes through the same client, with the token", async () => {
    const r = await onRemote("scan", "submit", "-package", "demo-pkg", "-version", "1.0.2", "-skip-registry-validate", "-runner", "any", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: "queued", package: "demo-pkg", version: "1.0.2", urls: { api: expect.stringContaining(srv.url) } });
    expect((await remoteAudit()).at(-1)).toMatchObject({ action: "run.queue", actor: "api:operator" });
  });

  test("without the token: one line saying what to give, nothing written", async () => {
    const before = (await remoteAudit()).length;
    const r = await fangsAsync(["allow", "add", "-kind", "sni", "-value", "x.example", "-orchestrator", srv.url]);
    expectOneLineError(r, /^Error: operator token missing or wrong$/);
    expect(r.stderr).toContain("Try: give the operator token: -operator-token TOKEN or env FANGS_OPERATOR_TOKEN");
    expectOneLineError(await fangsAsync(["baseline", "promote", remote.badRun, "-orchestrator", srv.url, "-operator-token", "wrong"]), /operator token missing or wrong/);
    // the env var works as the flag does
    const viaEnv = await fangsAsync(["notifier", "remove", "nope", "-orchestrator", srv.url], { FANGS_OPERATOR_TOKEN: TOKEN });
    expectOneLineError(viaEnv, /notifier .*nope.* not found/);
    expect((await remoteAudit()).length).toBe(before);
  });

  test("an orchestrator that is not there, or a URL that is not one: one line each", async () => {
    const gone = await fangsAsync(["allow", "remove", "abc", "-orchestrator", "http://127.0.0.1:9", "-operator-token", TOKEN]);
    expectOneLineError(gone, /^Error: orchestrator http:\/\/127\.0\.0\.1:9 unreachable: /);
    expect(gone.stderr).toContain("Try: start it with fangs serve, or pass -orchestrator URL");
    expectOneLineError(await fangsAsync(["package", "remove", "x", "-orchestrator", "127.0.0.1:8443"]), /invalid -orchestrator/);
  });

  test("a command without a remote mode refuses -orchestrator instead of using a local database", async () => {
    expectOneLineError(await onRemote("deviation", "show", "abc"), /works on the database only, not through -orchestrator/);
  });
});

// `fangs package import`: the lockfile is parsed where the CLI runs, the
// orchestrator (its own registry, a loopback fake here) decides and writes.
describe("CLI remote mode: package import", () => {
  const REG = packumentRegistry({
    "/left-pad": { name: "left-pad", "dist-tags": { latest: "1.3.1" }, versions: { "1.3.0": { scripts: { test: "tape" } }, "1.3.1": { scripts: {} } } },
    "/@scope%2fnative": { name: "@scope/native", "dist-tags": { latest: "2.0.0" }, versions: { "2.0.0": { gypfile: true } } },
    "/has-postinstall": { name: "has-postinstall", "dist-tags": { latest: "1.0.0" }, versions: { "1.0.0": { scripts: { postinstall: "node setup.js" } } } },
    "/plain-dep": { name: "plain-dep", "dist-tags": { latest: "0.1.0" }, versions: { "0.1.0": {} } },
  });
  let imp: Serve;
  let localDb: string;
  let file: string;
  const onL = (...args: string[]) => fangsAsync([...args, "-db", localDb], { FANGS_REGISTRY: REG() });
  const onR = (...args: string[]) => fangsAsync([...args, "-orchestrator", imp.url, "-operator-token", TOKEN]);
  async function both(...args: string[]): Promise<{ stdout: string; stderr: string }> {
    const [l, r] = [await onL(...args), await onR(...args)];
    expect({ code: r.code, stdout: norm(r.stdout), stderr: norm(r.stderr) }).toEqual({ code: l.code, stdout: norm(l.stdout), stderr: norm(l.stderr) });
    return r;
  }
  const audits = (path: string) => withStore(path, (db) => db.selectFrom("audit_log").select(["action", "actor", "target_id"]).orderBy("seq").execute());
  const watched = (path: string) => withStore(path, (db) => db.selectFrom("packages").select("name").where("watched", "=", 1).orderBy("name").execute());

  beforeAll(async () => {
    localDb = freshDb();
    imp = await startServe({ args: ["-operator-token", TOKEN], env: { FANGS_REGISTRY: REG() } });
    file = join(tempDir("fangs-remote-lock-"), "package-lock.json");
    writeFileSync(file, readFileSync(join(import.meta.dir, "../fixtures/lockfiles/package-lock.json"), "utf8").replaceAll("{{REGISTRY}}", REG()));
  });
  afterAll(async () => {
    await imp?.stop();
  });

  test("-dry-run and -only-install-scripts: the same summary and progress, nothing written", async () => {
    const r = await both("package", "import", file, "-dry-run", "-only-install-scripts");
    expect(r.stdout).toContain("(npm lockfile v3, 6 packages): 2 would add, 0 already watched, 4 skipped, 0 left");
    expect(r.stdout).toContain("skipped left-pad: no install script");
    expect(r.stderr).toContain("checking 5 package(s) on");
    expect(r.stderr).toContain("checked 5/5");
    await both("package", "import", file, "-dry-run", "--json");
    const offline = JSON.parse((await both("package", "import", file, "-dry-run", "-skip-registry-validate", "-concurrency", "2", "-registry-url", REG(), "-memory", "1024", "--json")).stdout);
    expect(offline).toMatchObject({ dry_run: true, registry: REG(), settings: { registry_url: REG(), memory_mb: 1024 } });
    expect(offline.added).toHaveLength(5); // not asked: gone-pkg too
    await both("package", "import", file, "-concurrency", "99"); // the flag's own error, before anything is sent
    await both("package", "import", join(tempDir("fangs-remote-lock-"), "missing.lock"));
    expect(await watched(imp.db)).toEqual([]);
    expect(await audits(imp.db)).toEqual([]);
  }, 30_000);

  test("import, re-import, a package leaving: the same summary, --json, watch list and audit records", async () => {
    const r = await both("package", "import", file, "-network", "none", "--json");
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ source: file, format: "npm", registry: REG(), dry_run: false, settings: { network: "none" }, already_watched: [], left: [] });
    expect(out.added.map((x: { package: string }) => x.package)).toEqual(["@scope/native", "has-postinstall", "left-pad", "plain-dep"]);
    expect(out.added.every((x: { kickoff_run_id: string | null }) => x.kickoff_run_id)).toBe(true);
    expect(await watched(imp.db)).toEqual(await watched(localDb));
    expect((await both("package", "import", file)).stdout).toContain("0 added, 4 already watched, 2 skipped, 0 left");
    const doc = JSON.parse(readFileSync(file, "utf8"));
    delete doc.packages["node_modules/left-pad"];
    delete doc.packages["node_modules/my-alias"];
    writeFileSync(file, JSON.stringify(doc));
    expect((await both("package", "import", file, "-skip-initial-scan")).stdout).toContain("left the lockfile (still watched; fangs package remove NAME to stop): left-pad");
    expect(await watched(imp.db)).toEqual(await watched(localDb));
    // One audit record per change, as locally: the same actions on the same targets, by the API's actor.
    const [la, ra] = [await audits(localDb), await audits(imp.db)];
    const shape = (xs: typeof la) => xs.map((a) => `${a.action} ${a.action === "run.queue" ? "<run>" : a.target_id}`);
    expect(shape(ra)).toEqual(shape(la));
    expect(ra.filter((a) => a.action === "package.import")).toHaveLength(3);
    expect(new Set(ra.map((a) => a.actor))).toEqual(new Set(["api:operator"]));
  }, 30_000);

  test("a hostile lockfile is refused where it is read: the same line, nothing sent", async () => {
    const bad = join(tempDir("fangs-remote-lock-"), "package-lock.json");
    writeFileSync(bad, readFileSync(file, "utf8").replace('"node_modules/gone-pkg"', '"node_modules/../../../etc/passwd"'));
    const before = (await audits(imp.db)).length;
    await both("package", "import", bad);
    expectOneLineError(await onR("package", "import", bad), /is not a valid npm package name/);
    expect((await audits(imp.db)).length).toBe(before);
  }, 30_000);

  test("POST /v1/packages/import: plain JSON without the progress stream; a bad body is a 400 with one safe line; no token is a 401; neither writes", async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const body = { source: "/srv/app/package-lock.json", format: "npm", lockfile_version: "3", packages: [{ name: "left-pad", versions: ["1.3.0"], install_script: false }], skip_registry_validate: true, dry_run: true };
    const ok = await api(imp.url, "POST", "/v1/packages/import", body, auth);
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ dry_run: true, added: [], already_watched: ["left-pad"], left: [] });
    const before = { audit: (await audits(imp.db)).length, watched: await watched(imp.db) };
    const BAD: Array<[string, unknown, RegExp]> = [
      ["hostile name", { ...body, packages: [{ name: "../../etc/passwd", versions: ["1.0.0"], install_script: null }] }, /^invalid body: packages\.0\.name: not a valid npm package name$/],
      ["control characters in a name", { ...body, packages: [{ name: "evil\u001b[31m", versions: ["1.0.0"], install_script: null }] }, /^invalid body: packages\.0\.name: /],
      ["a tag for a version", { ...body, packages: [{ name: "left-pad", versions: ["latest"], install_script: null }] }, /^invalid body: packages\.0\.versions\.0: /],
      ["no versions", { ...body, packages: [{ name: "left-pad", versions: [], install_script: null }] }, /at least one version/],
      ["unknown format", { ...body, format: "berry" }, /^invalid body: format: npm, yarn-v1 or pnpm$/],
      ["unknown field", { ...body, actor: "someone-else" }, /^invalid body: /],
      ["concurrency out of range", { ...body, dry_run: false, concurrency: 1000 }, /^invalid body: concurrency: at most 32$/],
      ["not a list", { ...body, packages: "left-pad" }, /^invalid body: packages: /],
    ];
    for (const [name, b, want] of BAD) {
      const r = await api(imp.url, "POST", "/v1/packages/import", b, auth);
      expect({ name, status: r.status }).toEqual({ name, status: 400 });
      expect(r.json.error).toMatch(want);
      expect(r.json.error).not.toContain("\n");
      expect(r.text).not.toContain("etc/passwd");
      expect(r.text).not.toContain("\u001b");
    }
    const noToken = await api(imp.url, "POST", "/v1/packages/import", { ...body, dry_run: false });
    expect(noToken.status).toBe(401);
    expect((await api(imp.url, "POST", "/v1/packages/import", { ...body, dry_run: false }, { authorization: "Bearer wrong" })).status).toBe(401);
    expectOneLineError(await fangsAsync(["package", "import", file, "-orchestrator", imp.url]), /^Error: operator token missing or wrong$/);
    expect({ audit: (await audits(imp.db)).length, watched: await watched(imp.db) }).toEqual(before);
  }, 30_000);
});
