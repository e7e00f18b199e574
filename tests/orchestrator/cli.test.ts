// `fangs scan submit` / `scan status` / `runner list` from the compiled
// executable against the real server and the fake registry.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { api, FakeRegistry, fangsAsync, fileEvent, ScriptedRunner, startServe, until, type Serve } from "./lib.ts";

const reg = new FakeRegistry();
let s: Serve;
let cfg: string;
beforeAll(async () => {
  reg.publish("cli-pkg", "1.0.0");
  s = await startServe({ yaml: `registry: ${reg.url}\nallowlist: []\n` });
  cfg = `${s.dir}/orchestrator.yaml`;
});
afterAll(async () => {
  reg.stop();
  expect(await s.stop()).toBe(0);
});

const submit = (...args: string[]) => fangsAsync(["scan", "submit", "-orchestrator", s.url, "-config", cfg, "-db", s.db, ...args]);

test("submit refuses a version the registry does not have", async () => {
  const r = await submit("-package", "cli-pkg", "-version", "9.9.9");
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("Error: cli-pkg@9.9.9 does not exist on");
  expect(r.stderr).toContain("Try: latest is 1.0.0");
  const missing = await submit("-package", "no-such-pkg", "-version", "1.0.0");
  expect(missing.stderr).toContain("package no-such-pkg does not exist");
});

test("submit with no runner: run id, watch URLs and the warning", async () => {
  const r = await submit("-package", "cli-pkg", "-version", "1.0.0", "-runner", "any", "-duration", "90s", "-memory", "1024", "--json");
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout);
  expect(out.run_id).toMatch(/^[0-9a-f]{16}$/);
  expect(out.urls.ui).toBe(`${s.url}/ui/runs/${out.run_id}`);
  expect(out.warning).toContain("No runners registered");
  const run = (await api(s.url, "GET", `/v1/runs/${out.run_id}`)).json.run;
  expect(run.spec).toMatchObject({ duration_s: 90, memory_mb: 1024 });
  expect(run.runner_target).toBeNull();
  const dflt = await submit("-package", "cli-pkg", "-version", "1.0.0", "--json");
  expect(dflt.stderr).toContain("note: no live runner named");
  expect(JSON.parse(dflt.stdout).runner).toBeNull();
  const plain = await submit("-package", "cli-pkg", "-version", "1.0.0", "-runner", "cli-runner", "-skip-registry-validate", "-network", "none");
  expect(plain.stdout).toContain("queued run ");
  expect(plain.stdout).toContain("/ui/runs/");
  expect(plain.stderr).toContain("Runner cli-runner is not registered");
});

test("submit --wait follows the run to its verdict; runner list shows the pool", async () => {
  const runner = new ScriptedRunner(s.url, "cli-runner");
  await runner.register();
  // Drain the three scans queued above, then serve the waited one.
  const drive = (async () => {
    for (let served = 0; served < 4; ) {
      const c = await runner.claim(2);
      if (c.status !== 200) continue;
      served++;
      await runner.batch(c.json.run.id, 0, [fileEvent(0, "/app/package.json")]);
      await Bun.sleep(300);
      await runner.finish(c.json.run.id, { events_sent: 1 });
    }
  })();
  const listed = await fangsAsync(["runner", "list", "-db", s.db, "-config", cfg, "--json"]);
  expect(JSON.parse(listed.stdout).map((r: { id: string }) => r.id)).toEqual(["cli-runner"]);
  const table = await fangsAsync(["runner", "list", "-db", s.db, "-config", cfg]);
  expect(table.stdout).toMatch(/cli-runner\s+cli-runner\s+test\s+\S+ ago\s+alive/);

  const r = await submit("-package", "cli-pkg", "-version", "1.0.0", "-runner", "cli-runner", "--wait");
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/run [0-9a-f]{16}: finished, verdict (seeded|clean)/);
  expect(r.stderr).toContain("finished on cli-runner");
  await drive;
  const id = /run ([0-9a-f]{16}): finished/.exec(r.stdout)![1];
  const st = await fangsAsync(["scan", "status", id, "-orchestrator", s.url, "-config", cfg, "--json"]);
  expect(JSON.parse(st.stdout)).toMatchObject({ id, status: "finished" });
  await until("runner idle", async () => (await api(s.url, "GET", "/v1/runners")).json.runners[0].active_run_id === null);
}, 30_000);

test("submit resolves a tag or a range to the exact version on the registry and records that", async () => {
  reg.publish("res-pkg", "1.0.0", false);
  reg.publish("res-pkg", "1.2.0", true);
  reg.publish("res-pkg", "2.0.0-rc.1", false);
  for (const [asked, exact] of [["latest", "1.2.0"], ["^1.0.0", "1.2.0"], ["~1.0.0", "1.0.0"], ["1.0.0", "1.0.0"]]) {
    const r = await submit("-package", "res-pkg", "-version", asked, "-runner", "any", "--json");
    expect({ asked, code: r.code, err: r.stderr }).toMatchObject({ asked, code: 0 });
    const out = JSON.parse(r.stdout);
    expect({ asked, version: out.version, requested: out.requested_version }).toEqual({ asked, version: exact, requested: asked });
    expect((await api(s.url, "GET", `/v1/runs/${out.run_id}`)).json.run.version).toBe(exact);
  }
  const plain = await submit("-package", "res-pkg", "-version", "latest", "-runner", "any");
  expect(plain.stderr).toContain("resolved res-pkg@latest to 1.2.0");
  const none = await submit("-package", "res-pkg", "-version", "^3", "-runner", "any");
  expect(none.code).toBe(1);
  expect(none.stderr).toContain("Error: res-pkg@^3 does not exist on");
  const offline = await submit("-package", "res-pkg", "-version", "latest", "-skip-registry-validate");
  expect(offline.code).toBe(1);
  expect(offline.stderr).toContain('Error: -version "latest" is not an exact version');
  expect(offline.stderr).toContain("Try: give the exact version");
  const badName = await submit("-package", "~x", "-version", "1.0.0");
  expect(badName.code).toBe(1);
  expect(badName.stderr).toMatch(/^Error: "~x" is not a valid npm package name/m);
  expect(reg.hits.some((h) => h.name === "~x")).toBe(false);
});
