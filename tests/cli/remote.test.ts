// The CLI in remote mode (-orchestrator URL -operator-token TOKEN) against a
// real `fangs serve`, beside the same commands on a database directly: the
// same output and the same --json, ids and times aside (each side makes its
// own), the same one-line errors; the change lands in the served database
// with its audit record; without the token nothing changes.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { expectOneLineError, fangsAsync, triageDb, withStore } from "./helpers.ts";
import { startServe, type Serve } from "../orchestrator/lib.ts";

const TOKEN = "remote-operator-token-0123456789";
let local: { path: string; badRun: string };
let remote: { path: string; badRun: string };
let srv: Serve;

beforeAll(async () => {
  local = await triageDb();
  remote = await triageDb();
  srv = await startServe({ db: remote.path, args: ["-operator-token", TOKEN] });
});
afterAll(async () => {
  await srv?.stop();
});

const onLocal = (...args: string[]) => fangsAsync([...args, "-db", local.path]);
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

  test("baseline promote: same output and --json; the served baseline changes", async () => {
    await same(["baseline", "promote", local.badRun.slice(0, 12), "--json"], ["baseline", "promote", remote.badRun.slice(0, 12), "--json"]);
    await same(["baseline", "promote", local.badRun.slice(0, 12)], ["baseline", "promote", remote.badRun.slice(0, 12)]); // already promoted
    const pending = await withStore(remote.path, (db) => db.selectFrom("deviations").select("id").where("run_id", "=", remote.badRun).where("cleared", "=", 0).execute());
    expect(pending).toEqual([]);
    expect((await remoteAudit()).at(-1)).toMatchObject({ action: "baseline.promote", actor: "api:operator" });
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
    expectOneLineError(await onRemote("deviation", "list"), /works on the database only, not through -orchestrator/);
  });
});
