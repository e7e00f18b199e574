// Observe until quiet, and the import phase, end to end (real dockerd, real
// eBPF sensor, real npm in the sandbox, the sealed fake registry). Each
// fixture is written by an attacker who read this repo: a detached child that
// waits for npm to be gone, a payload that runs only when the package is
// required, an ESM-only package whose payload sits in an exports subpath, and
// one that waits past the import phase's bounded wait and daemonizes.
import { describe, expect, test } from "bun:test";
import { api, cliJson, runEventRecords, scan, useStack } from "./lib.ts";
import { fangs } from "../lib/env.ts";

const IMAGE = "fangs-sandbox:e2e-quiet";
const e2e = useStack(IMAGE);

const events = (runId: string) => runEventRecords(e2e.stack, runId);

const devs = (runId: string): any[] => cliJson(e2e.stack, ["deviation", "list", "-run", runId]);

/** Kernel times (ms) of what a test measures: npm's exit, PID 1's exit, the import loader's. */
function marks(ev: any[]) {
  const body = ev.map((e) => e.event);
  const npmExec = body.find((e) => e.kind === "exec" && e.argv?.[0] === "npm");
  const init = npmExec.ppid;
  const ms = (e: any) => e.ts_ns / 1e6;
  const npmExit = body.find((e) => e.kind === "exit" && e.pid === npmExec.pid);
  const initExit = body.find((e) => e.kind === "exit" && e.pid === init);
  const loader = body.find((e) => e.kind === "exec" && e.phase === "import");
  return { npmExit: ms(npmExit), initExit: initExit ? ms(initExit) : undefined, loader: loader && ms(loader), body };
}

describe("observe until quiet", () => {
  test("a detached child that connects 5 s after npm exits is recorded, and the run ends right after it", async () => {
    const run = await scan(e2e.stack, e2e.reg, "fangs-fixture-lingers", "1.0.0", { duration: "40s" });
    const ev = await events(run.id);
    expect(run).toMatchObject({ status: "finished", exit_code: 0 });
    expect(run.verdict).not.toBe("clean");
    const m = marks(ev);
    const connect = m.body.find((e) => e.kind === "connect" && e.address === "192.0.2.77");
    expect(connect ? "recorded" : "the detached child's connect is missing").toBe("recorded");
    // It acted 5 s after npm was gone, as an install-phase process.
    expect(connect.ts_ns / 1e6 - m.npmExit).toBeGreaterThan(4500);
    expect(connect.phase).toBeUndefined();
    // The run ended right after it: the import phase (a node start) and PID 1's exit follow within 2 s, not at the 40 s duration.
    console.log(`quiet: the detached child connected ${Math.round(connect.ts_ns / 1e6 - m.npmExit)} ms after npm exited; PID 1 exited ${Math.round(m.initExit! - connect.ts_ns / 1e6)} ms after the connect (the import phase included); container ${run.timings!.container_ms} ms`);
    expect(m.initExit! - connect.ts_ns / 1e6).toBeLessThan(2000);
    expect(run.timings!.container_ms).toBeLessThan(20_000);
    const d = devs(run.id);
    expect(d.find((x) => x.category === "net_new_destination" && x.value.includes("192.0.2.77"))).toMatchObject({ phase: "install" });
    expect(d.find((x) => x.category === "proc_outlived_install")).toMatchObject({ phase: "install", severity: "high" });
    // Listed on the run with its lineage (API, CLI).
    const { run: shown } = await api(e2e.stack.url, "GET", `/v1/runs/${run.id}`);
    const left = shown.outlived.find((p: any) => p.exe === "/usr/bin/node" && p.argv.some((a: string) => a.endsWith("/later.js")));
    expect(left).toMatchObject({ phase: "install" });
    // started by the lifecycle script's shell (dash on the Debian image, busybox on the minimal one)
    expect(left.lineage.map((l: any) => l.exe)).toContainEqual(expect.stringMatching(/^\/(usr\/)?bin\/(dash|busybox)$/));
    expect(left.after_ms).toBeGreaterThan(4900);
    const cli = cliJson(e2e.stack, ["run", "show", run.id.slice(0, 12)]);
    expect(cli.outlived.length).toBe(shown.outlived.length);
    const text = fangs(["run", "show", run.id.slice(0, 12), "-db", e2e.stack.db], { cwd: e2e.stack.dir }).stdout;
    expect(text).toMatch(/outlived \(still running after npm/);
    expect(text).toMatch(/install +pid \d+ \+[5-9]\.\ds exit 0 .*later\.js/);
    expect(text).toContain("made by: ");
  }, 200_000);

  test("a run with nothing left ends within a second of npm (the import phase included)", async () => {
    const run = await scan(e2e.stack, e2e.reg, "fangs-fixture-quiet", "1.0.0");
    expect(run).toMatchObject({ status: "finished", exit_code: 0 });
    const m = marks(await events(run.id));
    expect(m.loader).toBeDefined();
    console.log(`quiet: nothing left: PID 1 exited ${Math.round(m.initExit! - m.npmExit)} ms after npm (the import phase started ${Math.round(m.loader! - m.npmExit)} ms after npm)`);
    expect(m.initExit! - m.npmExit).toBeLessThan(1000);
    const { run: shown } = await api(e2e.stack.url, "GET", `/v1/runs/${run.id}`);
    expect(shown.outlived).toEqual([]);
  }, 200_000);
});

describe("observe until the duration", () => {
  test("a child that never ends is watched to the duration, then killed: timed_out, not clean, listed as outlived (signal 9)", async () => {
    const run = await scan(e2e.stack, e2e.reg, "fangs-fixture-forever", "1.0.0", { duration: "8s" });
    expect(run.status).toBe("timed_out");
    expect(run.verdict).not.toBe("clean");
    expect(run.timings!.container_ms).toBeGreaterThan(7500);
    expect(run.timings!.container_ms).toBeLessThan(15_000);
    const { run: shown } = await api(e2e.stack.url, "GET", `/v1/runs/${run.id}`);
    expect(shown.outlived.find((p: any) => p.argv.includes("setInterval(() => {}, 1000)"))).toMatchObject({ phase: "install", signal: 9 });
    expect(devs(run.id).find((x) => x.category === "proc_outlived_install")).toMatchObject({ phase: "install" });
  }, 200_000);
});

describe("the import phase", () => {
  test("a CommonJS package with no install script that acts when required: recorded as phase import, not clean", async () => {
    const run = await scan(e2e.stack, e2e.reg, "fangs-fixture-onload", "1.0.0");
    expect(run.status).toBe("finished");
    expect(run.verdict).not.toBe("clean");
    const d = devs(run.id);
    const c = d.find((x) => x.category === "net_new_destination" && x.value.includes("198.51.100.41"));
    expect(c).toMatchObject({ phase: "import", actor: "import:node" });
    expect(d.find((x) => x.value === "/root/.npmrc")).toMatchObject({ phase: "import", severity: "critical" });
    const shown = cliJson(e2e.stack, ["deviation", "show", c.id]);
    expect(shown.evidence.phase).toBe("import");
    const pending: any[] = cliJson(e2e.stack, ["pending"]);
    expect(pending.some((p) => p.run_id === run.id)).toBe(true);
  }, 200_000);

  test("-install-only (the manual's behaviour): the same package is installed and not loaded, so its require-time payload is not seen", async () => {
    const add = fangs(["package", "add", "fangs-fixture-onload", "-install-only", "-skip-registry-validate", "-skip-initial-scan", "-db", e2e.stack.db], { cwd: e2e.stack.dir });
    expect(add.code).toBe(0);
    const run = await scan(e2e.stack, e2e.reg, "fangs-fixture-onload", "1.0.0");
    expect(run).toMatchObject({ status: "finished", exit_code: 0 });
    const { run: shown } = await api(e2e.stack.url, "GET", `/v1/runs/${run.id}`);
    expect(shown.spec.import_phase).toBe(false);
    const body = (await events(run.id)).map((e) => e.event);
    expect(body.some((e) => e.phase === "import")).toBe(false);
    expect(body.some((e) => e.kind === "connect" && e.address === "198.51.100.41")).toBe(false);
  }, 200_000);

  test("an ESM-only package (type module, exports map) whose payload is in a subpath entry: recorded as phase import", async () => {
    const run = await scan(e2e.stack, e2e.reg, "fangs-fixture-esmload", "1.0.0");
    expect(run.verdict).not.toBe("clean");
    const d = devs(run.id);
    expect(d.find((x) => x.category === "net_new_destination" && x.value.includes("203.0.113.52"))).toMatchObject({ phase: "import" });
    expect(d.find((x) => x.value === "/root/.ssh/id_rsa")).toMatchObject({ phase: "import" });
  }, 200_000);

  test("payloads past the bounded wait (an unref'd minute-long timer, a promise timer) and a daemon started at import are all seen", async () => {
    const run = await scan(e2e.stack, e2e.reg, "fangs-fixture-lateload", "1.0.0");
    expect(run.status).toBe("finished");
    expect(run.verdict).not.toBe("clean");
    const d = devs(run.id);
    expect(d.find((x) => x.category === "net_new_destination" && x.value.includes("198.51.100.61"))).toMatchObject({ phase: "import" });
    expect(d.find((x) => x.category === "net_new_destination" && x.value.includes("198.51.100.62"))).toMatchObject({ phase: "import" });
    expect(d.find((x) => x.category === "net_new_destination" && x.value.includes("198.51.100.63"))).toMatchObject({ phase: "import" });
    expect(d.find((x) => x.category === "proc_outlived_install")).toMatchObject({ phase: "import" });
    // The run lasted until the daemon was done (8 s), not the duration.
    expect(run.timings!.container_ms).toBeLessThan(20_000);
  }, 200_000);

  test("the same act moved from the install to import time is a deviation against a promoted baseline that had it at install", async () => {
    const first = await scan(e2e.stack, e2e.reg, "fangs-fixture-moves", "1.0.0");
    expect(devs(first.id).find((x) => x.value.includes("198.51.100.80"))).toMatchObject({ phase: "install" });
    const p = fangs(["baseline", "promote", first.id.slice(0, 12), "-db", e2e.stack.db], { cwd: e2e.stack.dir });
    expect(p.code).toBe(0);
    const moved = await scan(e2e.stack, e2e.reg, "fangs-fixture-moves", "1.1.0");
    expect(moved.verdict).toBe("deviations");
    expect(devs(moved.id).find((x) => x.value.includes("198.51.100.80"))).toMatchObject({ phase: "import", actor: "import:node" });
    const pending: any[] = cliJson(e2e.stack, ["pending"]);
    expect(pending.find((x) => x.run_id === moved.id)).toMatchObject({ phases: ["import"] });
  }, 200_000);
});
