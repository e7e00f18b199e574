// Issue 14 end to end on the real kernel and Docker: fixture releases in the
// sealed registry, `dist/fangs serve` + `dist/fangs runner`; the runner takes
// each run's install manifest in its own script-free container and the
// orchestrator diffs it against the baseline release when the run ends.
//  (a) relscript 1.1.0 changes its own postinstall (and the file it runs)
//  (b) reldep 1.1.0 adds a dependency whose postinstall does the damage
//  (c) reldocs 1.1.0 changes only files no script runs (one hostile name)
// The diff, the join (cause line) and the notifier line are asserted, and
// the figures (manifest size, added time, diff time) printed.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { fangs } from "../lib/env.ts";
import type { FakeRegistry } from "../fixtures/registry/registry.ts";
import { api, sandboxWithRegistry, scan, startStack, stopAll, type RunJson, type Stack } from "./lib.ts";

const IMAGE = "fangs-sandbox:reldiff";
let reg: FakeRegistry;
let stack: Stack;
const hooks: any[] = [];
const hook = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: async (req) => { hooks.push(await req.json()); return new Response("ok"); } });
const figures: string[] = [];

beforeAll(async () => {
  reg = await sandboxWithRegistry(IMAGE);
  stack = await startStack({ image: IMAGE });
  const n = fangs(["notifier", "add", "-name", "e2e-generic", "-url", `http://127.0.0.1:${hook.port}/hook`, "-template", "generic", "-db", stack.db]);
  if (n.code !== 0) throw new Error(`notifier add: ${n.stderr}`);
}, 180_000);

afterAll(async () => {
  for (const f of figures) console.log(f);
  hook.stop(true);
  const codes = await stopAll(stack, reg);
  expect(codes).toEqual({ serve: 0, runner: 0 });
}, 60_000);

async function diffOf(run: RunJson) {
  const d = await api(stack.url, "GET", `/v1/runs/${run.id}/diff`);
  figures.push(`e2e ${d.package}@${d.version}: manifest ${d.manifest?.bytes ?? "-"} bytes (${d.manifest?.packages ?? "-"} packages), added ${run.timings?.manifest_ms ?? "-"} ms to the run (container ${run.timings?.container_ms ?? "-"} ms), diff+join ${d.diff?.diff_us ?? "-"} µs`);
  return d;
}

async function pair(pkg: string) {
  const base = await scan(stack, reg, pkg, "1.0.0");
  expect(base).toMatchObject({ status: "finished", exit_code: 0, verdict: "seeded", is_baseline: true });
  expect((await diffOf(base)).state).toBe("diffed");
  const next = await scan(stack, reg, pkg, "1.1.0");
  return { base, next, d: await diffOf(next) };
}

describe("release diff through the whole stack", () => {
  test("(a) a changed postinstall: the script diff, and the cause line names the step and the change", async () => {
    const { base, next, d } = await pair("fangs-fixture-relscript");
    expect(next).toMatchObject({ status: "finished", exit_code: 0, verdict: "deviations" });
    expect(d.diff.base).toEqual({ run_id: base.id, version: "1.0.0" });
    expect(d.diff.scripts).toHaveLength(1);
    expect(d.diff.scripts[0]).toMatchObject({ package: "fangs-fixture-relscript", step: "postinstall", change: "changed", before: "node setup.js", after: "node setup.js --tag '<img src=x onerror=alert(1)>'" });
    expect(d.diff.scripts[0].files[0].diff).toContain(".aws/credentials");
    const cause = d.diff.join.find((j: any) => j.package === "fangs-fixture-relscript");
    expect(cause.line).toStartWith("the scanned package fangs-fixture-relscript@1.1.0 (postinstall `node setup.js --tag '<img src=x onerror=alert(1)>'`, changed in this release) → ");
    expect(cause.line).toContain("read /root/.aws/credentials");
    expect(cause.line).toContain("192.0.2.77:443");
    const page = await (await fetch(`${stack.url}/ui/runs/${next.id}`)).text();
    expect(page).toContain('<section id="what-changed">');
    expect(page).not.toContain("<img src=x");
  }, 300_000);

  test("(b) a new dependency whose postinstall does the damage: flagged with its install script, named as the cause, in the notifier line", async () => {
    const { next, d } = await pair("fangs-fixture-reldep");
    expect(next).toMatchObject({ status: "finished", exit_code: 0, verdict: "deviations" });
    expect(d.diff.deps).toEqual([expect.objectContaining({ name: "fangs-fixture-reldep-helper", change: "added", after: ["1.0.0"], install_scripts: true })]);
    const cause = d.diff.join.find((j: any) => j.package === "fangs-fixture-reldep-helper");
    expect(cause.line).toStartWith("new dependency fangs-fixture-reldep-helper@1.0.0 (postinstall `node setup.js`, new in this release) → ");
    expect(cause.line).toContain("read /root/.aws/credentials");
    expect(cause.line).toContain("192.0.2.77:443");
    // The scanned package's own postinstall is unchanged: nothing of its own is blamed.
    expect(d.diff.join.filter((j: any) => j.package === "fangs-fixture-reldep" && j.script_change !== "unchanged since the baseline")).toEqual([]);
    const msg = await waitHook(next.id);
    expect(msg.release_diff).toContain("What changed: since fangs-fixture-reldep@1.0.0: 1 new dependency (1 with install scripts: fangs-fixture-reldep-helper@1.0.0)");
    expect(msg.release_diff).toContain("Cause: new dependency fangs-fixture-reldep-helper@1.0.0 (postinstall `node setup.js`, new in this release)");
  }, 300_000);

  test("control re-run: fangs scan submit -control re-scans the baseline release on the same runner; nothing of the release's deviations shows there (the package, not the environment)", async () => {
    const runs = (await api(stack.url, "GET", "/v1/runs?package=fangs-fixture-reldep")).runs as RunJson[] & { version: string }[];
    const suspect = (runs as any[]).find((r) => r.version === "1.1.0");
    const r = fangs(["scan", "submit", "-orchestrator", stack.url, "-control", "fangs-fixture-reldep", "--wait", "--json"], { cwd: stack.dir });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ control_of: suspect.id, run: { version: "1.0.0", runner_id: stack.runnerId, status: "finished" } });
    const d = await api(stack.url, "GET", `/v1/runs/${suspect.id}/diff`);
    expect(d.control).toMatchObject({ run_id: out.run_id, version: "1.0.0", status: "finished", shared: [] });
    expect(d.control.only_in_release).toBe(suspect.deviation_count);
    expect(d.control.only_in_control).toEqual([]);
    const page = await (await fetch(`${stack.url}/ui/runs/${suspect.id}`)).text();
    expect(page).toContain('<div id="control-compare">');
  }, 300_000);

  test("(c) only non-script files changed: no script or dependency change, the files listed, the hostile name inert", async () => {
    const { next, d } = await pair("fangs-fixture-reldocs");
    expect(next).toMatchObject({ status: "finished", exit_code: 0 });
    expect(next.verdict).toBe("clean");
    expect(d.diff.scripts).toEqual([]);
    expect(d.diff.deps).toEqual([]);
    expect(d.diff.files.map((f: any) => [f.path, f.change])).toEqual([['"><img src=x onerror=alert(1)>.txt', "added"], ["README.md", "changed"], ["index.js", "changed"], ["package.json", "changed"]]);
    const page = await (await fetch(`${stack.url}/ui/runs/${next.id}`)).text();
    expect(page).toContain("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;.txt");
    expect(page).not.toContain("<img src=x");
  }, 300_000);
});

test("figures: manifest size and added time for the suite's real fixture packages", async () => {
  for (const [pkg, version] of [["fangs-fixture-widget", "1.2.0"], ["fangs-fixture-banner", "1.2.0"], ["fangs-fixture-probe", "1.0.0"], ["fangs-fixture-steady", "1.0.0"]]) {
    const run = await scan(stack, reg, pkg, version);
    expect(run.status).toBe("finished");
    expect((await diffOf(run)).state).toBe("diffed");
  }
}, 400_000);

async function waitHook(runId: string): Promise<any> {
  for (let i = 0; i < 100; i++) {
    const m = hooks.find((h) => h.run_id === runId);
    if (m) return m;
    await Bun.sleep(200);
  }
  throw new Error(`no notifier message for run ${runId}; got ${JSON.stringify(hooks.map((h) => h.run_id))}`);
}
