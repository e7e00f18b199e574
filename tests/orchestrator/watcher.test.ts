// The registry watcher against a fake registry on loopback: `fangs package
// add` kicks off a scan, a new dist-tags.latest queues exactly one scan (also
// across a restart: the DB decides), polls are conditional (etag → 304),
// -watch-all-versions queues every new version, 429 backs off per Retry-After
// without stalling the API.
import { afterAll, expect, test } from "bun:test";
import { api, FakeRegistry, fangsAsync, fileEvent, ScriptedRunner, startServe, until, type Serve } from "./lib.ts";
import { tempDir } from "../lib/env.ts";

const reg = new FakeRegistry();
const priv = new FakeRegistry();
afterAll(() => {
  reg.stop();
  priv.stop();
});

async function runsFor(s: Serve, pkg: string): Promise<Array<{ version: string; status: string }>> {
  return (await api(s.url, "GET", `/v1/runs?package=${encodeURIComponent(pkg)}&limit=100`)).json.runs;
}

/** One serve for one test, on its own directory and database, configured for
 *  the fake registry and polling every second; it must stop cleanly (exit 0)
 *  whatever the test did. `cfg`: the flags a CLI command needs to reach it. */
async function withServe(tag: string, args: string[], body: (s: Serve, cfg: string[]) => Promise<void>): Promise<void> {
  const dir = tempDir(`fangs-watch-${tag}-`);
  const s = await startServe({ dir, yaml: `registry: ${reg.url}\nallowlist: []\n`, args: ["-poll-interval", "1s", ...args] });
  try {
    await body(s, ["-db", s.db, "-config", `${dir}/orchestrator.yaml`]);
  } finally {
    expect(await s.stop()).toBe(0);
  }
}

const polls = (name: string) => reg.hits.filter((h) => h.name === name).length;
const waitPolls = (name: string, n: number) => until(`${n} more polls of ${name}`, async () => polls(name) >= n, 10_000);

test("kickoff on package add, one scan per new latest, across restarts", async () => {
  reg.publish("watch-me", "1.0.0");
  const dir = tempDir("fangs-watch-");
  const yaml = `registry: ${reg.url}\nallowlist: []\n`;
  let s = await startServe({ dir, yaml, args: ["-poll-interval", "1s"] });
  try {
    const add = await fangsAsync(["package", "add", "watch-me", "-db", s.db, "-config", `${dir}/orchestrator.yaml`, "--json"]);
    expect(add.stderr).toBe("");
    const kickoff = JSON.parse(add.stdout);
    expect(kickoff).toMatchObject({ package: "watch-me", last_seen_version: "1.0.0", kickoff_version: "1.0.0" });
    // The kickoff was queued by another process (the CLI): a waiting claim still finds it.
    const runner = new ScriptedRunner(s.url, "watch-runner");
    await runner.register();
    const claimed = await runner.claim(3);
    expect(claimed.json.run).toMatchObject({ id: kickoff.kickoff_run_id, package: "watch-me", version: "1.0.0" });
    await runner.batch(kickoff.kickoff_run_id, 0, [fileEvent(0, "/app/package.json")]);
    expect((await runner.finish(kickoff.kickoff_run_id, { events_sent: 1 })).json.verdict).toBe("seeded");
    await runner.deregister();
    await waitPolls("watch-me", polls("watch-me") + 3);
    expect((await runsFor(s, "watch-me")).map((r) => r.version)).toEqual(["1.0.0"]);
    // Conditional polls with the abbreviated format: the registry answers 304.
    const hits = reg.hits.filter((h) => h.name === "watch-me");
    expect(hits.some((h) => h.status === 304 && h.ifNoneMatch)).toBe(true);
    expect(hits.every((h) => h.accept?.includes("application/vnd.npm.install-v1+json"))).toBe(true);

    reg.publish("watch-me", "1.0.1");
    await until("1.0.1 queued", async () => (await runsFor(s, "watch-me")).some((r) => r.version === "1.0.1"));
    await waitPolls("watch-me", polls("watch-me") + 3);
    expect((await runsFor(s, "watch-me")).filter((r) => r.version === "1.0.1")).toHaveLength(1);
    const pkg = (await api(s.url, "GET", "/v1/packages")).json.packages.find((p: { name: string }) => p.name === "watch-me");
    expect(pkg).toMatchObject({ watched: true, last_seen_version: "1.0.1", poll_error: null });

    expect(await s.stop()).toBe(0);
    s = await startServe({ dir, yaml, args: ["-poll-interval", "1s"] });
    await waitPolls("watch-me", polls("watch-me") + 3);
    expect((await runsFor(s, "watch-me")).map((r) => r.version).sort()).toEqual(["1.0.0", "1.0.1"]);

    reg.publish("watch-me", "1.1.0");
    await until("1.1.0 queued", async () => (await runsFor(s, "watch-me")).some((r) => r.version === "1.1.0"));
    await waitPolls("watch-me", polls("watch-me") + 2);
    expect((await runsFor(s, "watch-me")).map((r) => r.version).sort()).toEqual(["1.0.0", "1.0.1", "1.1.0"]);
    expect((await api(s.url, "GET", "/metrics")).text).toMatch(/fangs_watcher_polls_total\{result="not_modified"\} [1-9]/);
  } finally {
    expect(await s.stop()).toBe(0);
  }
}, 60_000);

test("-watch-all-versions queues every newly published version once", async () => {
  reg.publish("all-versions", "2.0.0");
  await withServe("all", ["-watch-all-versions"], async (s, cfg) => {
    expect((await fangsAsync(["package", "add", "all-versions", ...cfg, "-skip-initial-scan"])).code).toBe(0);
    reg.publish("all-versions", "2.1.0-beta.1", false);
    reg.publish("all-versions", "2.1.0");
    await until("both queued", async () => (await runsFor(s, "all-versions")).length >= 2);
    await waitPolls("all-versions", polls("all-versions") + 3);
    expect((await runsFor(s, "all-versions")).map((r) => r.version).sort()).toEqual(["2.1.0", "2.1.0-beta.1"]);
  });
}, 60_000);

test("429 with Retry-After backs off that package; the API keeps answering", async () => {
  reg.publish("busy-pkg", "1.0.0");
  await withServe("429", [], async (s, cfg) => {
    try {
      expect((await fangsAsync(["package", "add", "busy-pkg", ...cfg, "-skip-initial-scan"])).code).toBe(0);
      await waitPolls("busy-pkg", polls("busy-pkg") + 1);
      reg.failWith = { status: 429, retryAfter: "3" };
      const start = reg.hits.length;
      await until("two 429s", async () => reg.hits.slice(start).filter((h) => h.name === "busy-pkg" && h.status === 429).length >= 2, 15_000);
      const t429 = reg.hits.slice(start).filter((h) => h.status === 429);
      expect(t429.length).toBe(2);
      // Retry-After: 3 outweighs the 1 s poll interval.
      expect(t429[1].at - t429[0].at).toBeGreaterThanOrEqual(2900);
      const pkg = (await api(s.url, "GET", "/v1/packages")).json.packages.find((p: { name: string }) => p.name === "busy-pkg");
      expect(pkg.poll_error).toContain("429");
      const t = performance.now();
      expect((await api(s.url, "GET", "/healthz")).status).toBe(200);
      expect(performance.now() - t).toBeLessThan(500);
      expect((await api(s.url, "GET", "/metrics")).text).toMatch(/fangs_watcher_errors_total [2-9]/);
      reg.failWith = null;
      await until("recovered", async () => (await api(s.url, "GET", "/v1/packages")).json.packages.find((p: { name: string }) => p.name === "busy-pkg").poll_error === null, 15_000);
    } finally {
      reg.failWith = null;
    }
  });
}, 60_000);

test("a package watched on its own registry is polled there and installed from there, with its settings", async () => {
  // The public registry (the orchestrator's default) has a same-name package: the dependency-confusion bait.
  reg.publish("corp-lib", "9.9.9");
  priv.publish("corp-lib", "1.0.0");
  await withServe("priv", [], async (s, cfg) => {
    const add = await fangsAsync(["package", "add", "corp-lib", "-registry-url", priv.url, "-network", "none", "-duration", "45s", "-memory", "768", ...cfg, "--json"]);
    expect(add.stderr).toBe("");
    const kick = JSON.parse(add.stdout);
    expect(kick).toMatchObject({ last_seen_version: "1.0.0", kickoff_version: "1.0.0", registry: priv.url });
    const want = { registry_url: priv.url, network: "none", duration_s: 45, memory_mb: 768 };
    expect((await api(s.url, "GET", `/v1/runs/${kick.kickoff_run_id}`)).json.run.spec).toMatchObject(want);

    priv.publish("corp-lib", "1.0.1");
    await until("1.0.1 queued", async () => (await runsFor(s, "corp-lib")).some((r) => r.version === "1.0.1"));
    const runs = (await api(s.url, "GET", "/v1/runs?package=corp-lib&limit=10")).json.runs;
    expect(runs.map((r: { version: string }) => r.version).sort()).toEqual(["1.0.0", "1.0.1"]);
    for (const r of runs) expect(r.spec).toMatchObject(want);
    // Never polled on the public registry, and its 9.9.9 never queued.
    expect(reg.hits.filter((h) => h.name === "corp-lib")).toEqual([]);
    expect(priv.hits.filter((h) => h.name === "corp-lib").length).toBeGreaterThan(1);

    // The API shows the settings and the one registry.
    const pkg = (await api(s.url, "GET", "/v1/packages/corp-lib")).json.package;
    expect(pkg).toMatchObject({ name: "corp-lib", registry: priv.url, settings: want });
    const page = (await api(s.url, "GET", "/ui/packages/corp-lib")).text;
    expect(page).toContain('id="package-settings"');
    expect(page).toContain(priv.url);
    expect(page).toContain("duration <span class=\"mono\">45s</span>");

    // scan submit of the watched package: validated on its registry, run with its settings; a flag still wins.
    const sub = await fangsAsync(["scan", "submit", "-orchestrator", s.url, "-package", "corp-lib", "-version", "1.0.0", "-runner", "any", "-memory", "2048", "--json"]);
    expect(sub.stderr).toBe("");
    const manual = (await api(s.url, "GET", `/v1/runs/${JSON.parse(sub.stdout).run_id}`)).json.run;
    expect(manual.spec).toMatchObject({ ...want, memory_mb: 2048 });
    expect(priv.hits.filter((h) => h.name === "corp-lib" && h.status === 200).length).toBeGreaterThan(1);
    // 9.9.9 exists only on the public registry: submit refuses it.
    const bad = await fangsAsync(["scan", "submit", "-orchestrator", s.url, "-package", "corp-lib", "-version", "9.9.9", "-runner", "any"]);
    expect(bad.stderr).toContain(`corp-lib@9.9.9 does not exist on ${priv.url}`);
    expect(reg.hits.filter((h) => h.name === "corp-lib")).toEqual([]);
  });
}, 60_000);

test("an install-only package: a release whose closure runs no install code is recorded as no-install-code without a sandbox", async () => {
  const none = { hasInstallScript: false }; // abbreviated metadata: no hasInstallScript = none
  reg.publish("quiet-dep", "1.0.0", true, {});
  reg.publish("quiet-dep", "1.2.0", true, none);
  reg.publish("quiet-pkg", "1.0.0", true, { dependencies: { "quiet-dep": "^1.0.0" } });
  reg.publish("loud-pkg", "1.0.0", true, {});
  await withServe("quiet", [], async (s, cfg) => {
    // Install-only scans (the import phase off for it): the shortcut applies.
    expect((await fangsAsync(["package", "add", "quiet-pkg", "-install-only", ...cfg, "-skip-initial-scan"])).code).toBe(0);
    expect((await fangsAsync(["package", "add", "loud-pkg", "-scan-every-release", ...cfg, "-skip-initial-scan"])).code).toBe(0);
    // 1.1.0 and its closure (quiet-dep@1.2.0, the latest matching ^1.0.0) run nothing at install.
    reg.publish("quiet-pkg", "1.1.0", true, { dependencies: { "quiet-dep": "^1.0.0" } });
    reg.publish("loud-pkg", "1.1.0", true, {});
    await until("1.1.0 recorded", async () => (await runsFor(s, "quiet-pkg")).some((r) => r.version === "1.1.0"));
    const quiet = (await api(s.url, "GET", "/v1/runs?package=quiet-pkg")).json.runs;
    expect(quiet).toEqual([expect.objectContaining({ version: "1.1.0", status: "finished", verdict: "no-install-code", runner_id: null, events_count: 0, is_baseline: false })]);
    expect(quiet[0].spec).toMatchObject({ registry_url: reg.url });
    expect((await api(s.url, "GET", `/ui/runs/${quiet[0].id}`)).text).toContain("No sandbox: nothing in this release");
    // The package asked for every release: scanned whatever its closure.
    await until("loud 1.1.0 queued", async () => (await runsFor(s, "loud-pkg")).some((r) => r.version === "1.1.0"));
    expect((await runsFor(s, "loud-pkg"))[0]).toMatchObject({ version: "1.1.0", status: "queued" });

    // A dependency gains an install script: the next release's closure runs code → a sandbox.
    reg.publish("quiet-dep", "1.3.0", true, { hasInstallScript: true });
    reg.publish("quiet-pkg", "1.2.0", true, { dependencies: { "quiet-dep": "^1.0.0" } });
    await until("1.2.0 queued", async () => (await runsFor(s, "quiet-pkg")).some((r) => r.version === "1.2.0"));
    expect((await runsFor(s, "quiet-pkg")).find((r) => r.version === "1.2.0")).toMatchObject({ status: "queued" });
    // A dependency the registry does not have: cannot tell → a sandbox.
    reg.publish("quiet-pkg", "1.3.0", true, { dependencies: { "no-such-dep": "^1.0.0" } });
    await until("1.3.0 queued", async () => (await runsFor(s, "quiet-pkg")).some((r) => r.version === "1.3.0"));
    expect((await runsFor(s, "quiet-pkg")).find((r) => r.version === "1.3.0")).toMatchObject({ status: "queued" });

    expect((await api(s.url, "GET", "/v1/overview")).json.releases_no_install_code).toBe(1);
    const metrics = (await api(s.url, "GET", "/metrics")).text;
    expect(metrics).toMatch(/^fangs_releases_no_install_code 1$/m);
    expect(metrics).toMatch(/^fangs_watcher_releases_total\{outcome="no_install_code"\} 1$/m);
    expect(metrics).toMatch(/^fangs_watcher_releases_total\{outcome="queued"\} 3$/m);
    expect((await api(s.url, "GET", "/ui/")).text).toContain('id="stat-no-install-code"');
    const audit = await fangsAsync(["audit", "--json", "-db", s.db]);
    expect(audit.stdout).toContain("none of 2 package(s) in the closure runs install code");
  });
}, 60_000);

test("with the import phase on (the default), a release whose closure runs no install code is still scanned: its code runs when it is loaded", async () => {
  reg.publish("moving-pkg", "1.0.0", true, { hasInstallScript: true });
  await withServe("moving", [], async (s, cfg) => {
    expect((await fangsAsync(["package", "add", "moving-pkg", ...cfg, "-skip-initial-scan"])).code).toBe(0);
    // node-ipc style: no install script anywhere, the payload runs on require().
    reg.publish("moving-pkg", "1.1.0", true, { hasInstallScript: false });
    await until("1.1.0 queued", async () => (await runsFor(s, "moving-pkg")).some((r) => r.version === "1.1.0"));
    expect((await runsFor(s, "moving-pkg")).find((r) => r.version === "1.1.0")).toMatchObject({ status: "queued" });
    expect(s.log()).toContain("scanned for its load-time code: the import phase is on");
    expect((await api(s.url, "GET", "/v1/overview")).json.releases_no_install_code).toBe(0);
  });
}, 60_000);
