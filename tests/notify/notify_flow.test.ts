// Notifiers end to end: the real `dist/fangs serve`, notifiers added with the
// real CLI, a scripted runner finishing a run with deviations, and loopback
// receivers playing Slack, Discord and generic (HMAC) endpoints. The same
// scenario runs on SQLite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { api, connectEvent, dropPostgres, fangsAsync, fileEvent, freshPostgresUrl, ScriptedRunner, startServe, until, type Serve } from "../orchestrator/lib.ts";
import { verify } from "../../src/notify/sign.ts";
import type { FangsEvent } from "../../src/events/types.ts";
import { Receivers } from "./lib.ts";

const SECRET = "hmac-test-secret-not-real";
// Attacker-controlled: a file name full of chat markup and mentions.
const HOSTILE = "/opt/<!channel> @everyone **pwn** [x](javascript:alert(1)) & `tick`";

/** A file read by curl (not npm), so it is the package's behaviour. */
function hostileRead(seq: number): FangsEvent {
  return { ...fileEvent(seq, HOSTILE), pid: 200, comm: "curl", exe: "/usr/bin/curl" };
}

for (const backend of ["sqlite", "postgres"] as const) {
  describe(`notifiers [${backend}]`, () => {
    let s: Serve;
    let rx: Receivers;
    let pgDb: string | undefined;
    let runId = "";
    const cli = (...args: string[]) => fangsAsync([...args, "-db", pgDb ?? s.db, "-config", join(s.dir, "orchestrator.yaml")]);

    beforeAll(async () => {
      rx = new Receivers();
      pgDb = backend === "postgres" ? await freshPostgresUrl() : undefined;
      s = await startServe({ args: ["-ingest-rate-limit", "0"], db: pgDb, env: { FANGS_HMAC: SECRET } });
    });
    afterAll(async () => {
      rx.stop();
      expect(await s.stop()).toBe(0);
      if (pgDb) await dropPostgres(pgDb);
    });

    test("add refuses unsafe or malformed targets with one clear line", async () => {
      const cases: Array<[string[], string]> = [
        [["-name", "x", "-url", "http://192.0.2.10/hook", "-template", "generic"], "only allowed to loopback"],
        [["-name", "x", "-url", "ftp://hooks.example/x", "-template", "generic"], "scheme ftp is refused"],
        [["-name", "x", "-url", "https://hooks.example/x", "-template", "teams"], "unknown template"],
        [["-name", "x", "-url", "https://hooks.example/x", "-template", "slack", "-secret-env", "FANGS_HMAC"], "generic targets only"],
        [["-name", "x", "-url", "https://hooks.example/x", "-template", "generic", "-headers", '{"Host":"evil.example"}'], "cannot be overridden"],
        [["-name", "x", "-url", "https://hooks.example/x", "-template", "generic", "-headers", "[1]"], "JSON object"],
        [["-name", "x", "-url", "https://hooks.example/x", "-template", "generic", "-min-severity", "urgent"], "unknown severity"],
        [["-name", "x", "-url", "https://hooks.example/x", "-template", "generic", "-enabled=0"], "-enabled takes true or false"],
        [["-url", "https://hooks.example/x", "-template", "generic"], "missing -name"],
      ];
      for (const [args, want] of cases) {
        const r = await cli("notifier", "add", ...args);
        expect(r.code).toBe(1);
        expect(r.stderr).toStartWith("Error: ");
        expect(r.stderr).toContain(want);
        expect(r.stderr.trim().split("\n").length).toBeLessThanOrEqual(2);
      }
      expect(JSON.parse((await cli("notifier", "list", "--json")).stdout)).toEqual([]);
    });

    test("add the targets (Go-style flags, -enabled=false parses)", async () => {
      const adds: string[][] = [
        ["-name", "soc-slack", "-url", rx.url("/slack/T1/B2/slacksecretpath"), "-template", "slack"],
        ["-name", "soc-discord", "-url", rx.url("/discord/api/webhooks/1/discordtoken"), "-template", "discord"],
        ["-name", "siem", "-url", rx.url("/generic"), "-template", "generic", "-secret-env", "FANGS_HMAC", "-min-severity", "high", "-headers", '{"X-Team":"soc"}'],
        ["-name", "pager", "-url", rx.url("/critical-only"), "-template", "generic", "-min-severity", "critical"],
        ["-name", "muted", "-url", rx.url("/disabled"), "-template", "generic", "-enabled=false"],
        ["-name", "flaky", "-url", rx.url("/flaky"), "-template", "generic"],
      ];
      for (const a of adds) {
        const r = await cli("notifier", "add", ...a);
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
      }
      const list = JSON.parse((await cli("notifier", "list", "--json")).stdout);
      expect(list.map((n: { name: string; enabled: boolean }) => [n.name, n.enabled])).toEqual([
        ["flaky", true], ["muted", false], ["pager", true], ["siem", true], ["soc-discord", true], ["soc-slack", true],
      ]);
      const human = (await cli("notifier", "list")).stdout;
      expect(human).toContain("soc-slack");
      expect(human).not.toContain("slacksecretpath");
      // The duplicate name is refused.
      const dup = await cli("notifier", "add", "-name", "flaky", "-url", rx.url("/x"), "-template", "generic");
      expect(dup.code).toBe(1);
      expect(dup.stderr).toContain("already exists");
    });

    test("a run with deviations fires each enabled target meeting its threshold exactly once", async () => {
      const r = new ScriptedRunner(s.url, `notify-runner-${backend}`);
      expect((await r.register()).status).toBe(200);
      const seed = await api(s.url, "POST", "/v1/scans", { package: "notify-pkg", version: "1.0.0" });
      expect((await r.claim(2)).json.run.id).toBe(seed.json.run_id);
      await r.batch(seed.json.run_id, 0, [fileEvent(0, "/app/node_modules/notify-pkg/index.js")]);
      expect((await r.finish(seed.json.run_id, { events_sent: 1 })).json.verdict).toBe("seeded");
      rx.scripts.set("/flaky", [500, 500, 200]);

      const sub = await api(s.url, "POST", "/v1/scans", { package: "notify-pkg", version: "1.0.1" });
      runId = sub.json.run_id;
      expect((await r.claim(2)).json.run.id).toBe(runId);
      await r.batch(runId, 0, [fileEvent(0, "/app/node_modules/notify-pkg/index.js"), connectEvent(1, "203.0.113.7", 443), hostileRead(2)]);
      const fin = await r.finish(runId, { events_sent: 3 });
      expect(fin.json).toMatchObject({ verdict: "deviations", max_severity: "high" });

      // The flaky target needs 3 attempts with backoff (1 s, 2 s): wait for all of it.
      await until("flaky receiver's third attempt", async () => rx.at("/flaky").length >= 3, 20_000);
      await Bun.sleep(500); // a duplicate, if any, would arrive now
      expect(rx.at("/slack/T1/B2/slacksecretpath")).toHaveLength(1);
      expect(rx.at("/discord/api/webhooks/1/discordtoken")).toHaveLength(1);
      expect(rx.at("/generic")).toHaveLength(1);
      expect(rx.at("/flaky")).toHaveLength(3);
      expect(rx.at("/critical-only")).toHaveLength(0);
      expect(rx.at("/disabled")).toHaveLength(0);
    });

    test("generic: signed over the exact body, full envelope, hostile strings intact as JSON", async () => {
      const [g] = rx.at("/generic");
      expect(g.headers.get("x-fangs-signature")).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(verify(SECRET, g.body, g.headers.get("x-fangs-signature"))).toBe(true);
      expect(verify("wrong", g.body, g.headers.get("x-fangs-signature"))).toBe(false);
      expect(g.headers.get("x-team")).toBe("soc");
      const body = JSON.parse(g.body);
      expect(body).toMatchObject({ type: "fangs.run.deviations", run_id: runId, package: "notify-pkg", version: "1.0.1", max_severity: "high" });
      expect(body.deviation_count).toBeGreaterThanOrEqual(2);
      expect(body.urls).toEqual({ ui: `${s.url}/ui/runs/${runId}`, api: `${s.url}/v1/runs/${runId}` });
      const nano = BigInt(body.time_unix_nano);
      expect(nano).toBeGreaterThan(BigInt(Date.now() - 120_000) * 1_000_000n);
      expect(nano).toBeLessThanOrEqual(BigInt(Date.now()) * 1_000_000n);
      expect(body.deviations[0]).toMatchObject({ category: "net_new_destination", severity: "high" });
      expect(body.deviations.some((d: { value: string }) => d.value.includes("<!channel> @everyone **pwn**"))).toBe(true);
      // The unsigned flaky target carries no signature.
      expect(rx.at("/flaky")[2].headers.get("x-fangs-signature")).toBeNull();
    });

    test("slack and discord: hostile markup arrives escaped, mentions disarmed", async () => {
      const sl = JSON.parse(rx.at("/slack/T1/B2/slacksecretpath")[0].body);
      expect(sl.text).toContain("&lt;!channel&gt; @everyone **pwn** [x](javascript:alert(1)) &amp; `tick`");
      expect(sl.text).not.toContain("<!channel>");
      expect(sl.text).toContain(`/ui/runs/${runId}|Open run ${runId}>`);
      const dc = JSON.parse(rx.at("/discord/api/webhooks/1/discordtoken")[0].body);
      expect(dc.allowed_mentions).toEqual({ parse: [] });
      expect(dc.content).toContain("\\<!channel\\>");
      expect(dc.content).toContain("\\@everyone \\*\\*pwn\\*\\* \\[x\\]\\(javascript\\:alert\\(1\\)\\) & \\`tick\\`");
      expect(dc.content).not.toMatch(/(^|[^\\])@everyone/);
    });

    test("history shows the three flaky attempts; the API shows the same, secrets never", async () => {
      const h = await cli("notifier", "history", "-run", runId.slice(0, 8), "--json");
      expect(h.code).toBe(0);
      const rows = JSON.parse(h.stdout) as Array<{ notifier: string; attempt: number; outcome: string; http_status: number | null; error: string | null }>;
      expect(rows.filter((x) => x.notifier === "flaky").map((x) => [x.attempt, x.outcome, x.http_status])).toEqual([
        [1, "failed", 500], [2, "failed", 500], [3, "delivered", 200],
      ]);
      expect(rows.filter((x) => x.notifier === "pager").map((x) => x.outcome)).toEqual(["skipped"]);
      expect(rows.some((x) => x.notifier === "muted")).toBe(false);
      for (const name of ["soc-slack", "soc-discord", "siem"]) expect(rows.filter((x) => x.notifier === name).map((x) => x.outcome)).toEqual(["delivered"]);
      const human = await cli("notifier", "history", "-run", runId.slice(0, 8));
      expect(human.stdout).toMatch(/flaky\s+\S+\s+1\s+failed\s+500/);
      expect(human.stdout).toMatch(/flaky\s+\S+\s+3\s+delivered\s+200/);

      const viaApi = await api(s.url, "GET", `/v1/runs/${runId}/notifications`);
      expect(viaApi.status).toBe(200);
      expect(viaApi.json.deliveries.length).toBe(rows.length);
      const ns = await api(s.url, "GET", "/v1/notifiers");
      expect(ns.status).toBe(200);
      expect(ns.json.notifiers.find((n: { name: string }) => n.name === "siem")).toMatchObject({ secret_env: "FANGS_HMAC", header_names: ["X-Team"], min_severity: "high" });
      for (const secret of [SECRET, "slacksecretpath", "discordtoken"]) expect(ns.text).not.toContain(secret);
      expect((await api(s.url, "GET", "/v1/runs/ffffffffffffffff/notifications")).status).toBe(404);
      const metrics = (await api(s.url, "GET", "/metrics")).text;
      expect(metrics).toMatch(/fangs_notifier_deliveries\{outcome="delivered"\} [1-9]/);
      expect(metrics).toMatch(/fangs_notifier_deliveries\{outcome="failed"\} [1-9]/);
      expect(metrics).toMatch(/fangs_notifier_deliveries\{outcome="skipped"\} [1-9]/);
    });

    test("notifier test fires a synthetic message and prints the outcome", async () => {
      const before = rx.at("/slack/T1/B2/slacksecretpath").length;
      const ok = await cli("notifier", "test", "soc-slack");
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain("delivered test message to soc-slack (HTTP 200, 1 attempt)");
      const sent = rx.at("/slack/T1/B2/slacksecretpath");
      expect(sent).toHaveLength(before + 1);
      expect(JSON.parse(sent.at(-1)!.body).text).toContain("test notification");
      // A disabled target can be tested; a generic one is signed from the CLI's own env.
      rx.scripts.set("/disabled", [404]);
      const bad = await cli("notifier", "test", "muted");
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain("Error: test message to muted failed after 1 attempt (HTTP 404)");
      const unsigned = await cli("notifier", "test", "siem"); // FANGS_HMAC is not in this process's env
      expect(unsigned.code).toBe(1);
      expect(unsigned.stderr).toContain("FANGS_HMAC");
      expect(unsigned.stderr).not.toContain(SECRET);
      const hist = JSON.parse((await cli("notifier", "history", "-notifier", "soc-slack", "--json")).stdout);
      expect(hist.at(-1)).toMatchObject({ run_id: null, outcome: "delivered" });
      expect((await cli("notifier", "test", "nope")).stderr).toContain("notifier \"nope\" not found");
    });

    test("enable, disable, remove: each writes an audit row without secrets", async () => {
      expect((await cli("notifier", "enable", "muted")).stdout).toContain("notifier muted is now enabled");
      expect((await cli("notifier", "enable", "muted", "-enabled=false")).stdout).toContain("notifier muted is now disabled");
      expect((await cli("notifier", "disable", "muted")).stdout).toContain("was already disabled");
      expect((await cli("notifier", "remove", "soc-discord")).stdout).toContain("removed notifier soc-discord");
      expect((await cli("notifier", "remove", "soc-discord")).code).toBe(1);
      const audit = await cli("audit", "-target-kind", "notifier", "-limit", "100", "--json");
      const actions = (JSON.parse(audit.stdout) as Array<{ action: string }>).map((a) => a.action);
      expect(actions.filter((a) => a === "notifier.add")).toHaveLength(6);
      expect(actions.filter((a) => a === "notifier.enable")).toHaveLength(1);
      expect(actions.filter((a) => a === "notifier.disable")).toHaveLength(1); // the no-op disable is not audited
      expect(actions.filter((a) => a === "notifier.remove")).toHaveLength(1);
      for (const secret of ["slacksecretpath", "discordtoken", SECRET]) expect(audit.stdout).not.toContain(secret);
      const names = JSON.parse((await cli("notifier", "list", "--json")).stdout).map((n: { name: string }) => n.name);
      expect(names).not.toContain("soc-discord");
      // Deliveries of a removed target stay in history.
      const rows = JSON.parse((await cli("notifier", "history", "-run", runId, "--json")).stdout);
      expect(rows.some((r: { notifier: string | null; notifier_id: string }) => r.notifier === null && r.notifier_id)).toBe(true);
    });
  });
}
