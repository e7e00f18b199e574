// The install paths that need a developer machine's tools, on the realistic
// image through the whole stack (sealed registry, serve, runner, sensor):
// a binding.gyp addon with no scripts (npm runs node-gyp rebuild by itself)
// builds and its compiler processes are observed; the attacker's hiding place
// there, a gyp `<!(command)` expansion that runs a shell during configure, is
// recorded and the run is not clean; and a git dependency served from a bare
// repository inside the sealed namespace (git's dumb HTTP) is cloned and its
// `prepare` script, which npm runs only for git installs, is seen stealing.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { fangs } from "../lib/env.ts";
import { startFakeRegistry, type FakeRegistry } from "../fixtures/registry/registry.ts";
import { cliJson, runEvents, scan, startStack, type Stack } from "./lib.ts";

const IMAGE = "fangs-sandbox:e2e";
let reg: FakeRegistry;
let stack: Stack;

beforeAll(async () => {
  // The realistic image (the default); the recipe's first build takes about a minute.
  const b = fangs(["sandbox", "build-image", "-image", IMAGE, "--json"]);
  if (b.code !== 0) throw new Error(`fangs sandbox build-image failed: ${b.stderr}`);
  expect(JSON.parse(b.stdout).flavor).toBe("debian-bookworm");
  reg = await startFakeRegistry({ image: IMAGE });
  stack = await startStack({ image: IMAGE });
}, 600_000);

afterAll(async () => {
  const codes = await stack?.stop();
  await reg?.stop();
  expect(codes).toEqual({ serve: 0, runner: 0 });
}, 60_000);

const events = (runId: string) => runEvents(stack, runId);const execs = (ev: any[]) => ev.filter((e) => e.kind === "exec" && !e.error);
const reads = (ev: any[], path: string) => ev.filter((e) => e.kind === "file" && e.path === path);
const devsOf = (runId: string): any[] => cliJson(stack, ["deviation", "list", "-run", runId]);

describe("a binding.gyp addon with no install script", () => {
  test("builds in the sandbox, and make, g++ and cc1plus are observed", async () => {
    const run = await scan(stack, reg, "gyp-addon", "1.0.0");
    if (run.events_dropped) console.error("events lost (runner, serve):", stack.runner.err().split("\n").filter((l) => /batch|reject|lost|40[0-9]/.test(l)).slice(-8).join("\n"), stack.serve.err().split("\n").slice(-15).join("\n"));
    expect(run).toMatchObject({ status: "finished", exit_code: 0, events_dropped: 0 });
    const ev = await events(run.id);
    const files = execs(ev).map((e) => e.filename as string);
    expect(files.some((f) => f.endsWith("/make"))).toBe(true);
    expect(files.some((f) => /g\+\+/.test(f))).toBe(true);
    expect(files.some((f) => f.endsWith("/cc1plus"))).toBe(true);
    // node-gyp is what npm started (no script in package.json asked for it)
    expect(execs(ev).some((e) => (e.argv ?? []).some((a: string) => a.includes("node-gyp")))).toBe(true);
    // and the addon it built was written into the package
    expect(ev.some((e) => e.kind === "file" && /node_modules\/gyp-addon\/build\/Release\/addon\.node$/.test(e.path) && e.access !== "read")).toBe(true);
  }, 200_000);

  test("a `<!(sh -c …)` expansion hidden in the next release's binding.gyp is recorded and the run is not clean", async () => {
    const run = await scan(stack, reg, "gyp-addon", "1.1.0");
    expect(run.status).toBe("finished");
    const ev = await events(run.id);
    // the shell gyp started for the expansion, with the attacker's command line
    expect(execs(ev).some((e) => (e.argv ?? []).join(" ").includes("cat /root/.npmrc"))).toBe(true);
    expect(reads(ev, "/root/.npmrc").length).toBeGreaterThan(0);
    expect(execs(ev).some((e) => (e.filename as string).endsWith("/wget"))).toBe(true);
    expect(run.verdict).not.toBe("clean");
    const devs = devsOf(run.id);
    expect(devs.find((d) => d.value === "/root/.npmrc")).toMatchObject({ severity: "critical" });
  }, 200_000);
});

describe("a git dependency with a prepare script", () => {
  test("is cloned from the sealed namespace, its prepare runs and reads the SSH key: recorded, not clean", async () => {
    const run = await scan(stack, reg, "git-consumer", "1.0.0");
    expect(run).toMatchObject({ status: "finished", exit_code: 0 });
    const ev = await events(run.id);
    const files = execs(ev).map((e) => e.filename as string);
    expect(files.some((f) => f.endsWith("/git"))).toBe(true);
    expect(files.some((f) => f.endsWith("/git-remote-http"))).toBe(true);
    expect(execs(ev).some((e) => (e.argv ?? []).join(" ").includes("node prepare.js"))).toBe(true);
    expect(reads(ev, "/root/.ssh/id_rsa").length).toBeGreaterThan(0);
    expect(run.verdict).not.toBe("clean");
    expect(run.verdict).not.toBe("seeded");
    const devs = devsOf(run.id);
    expect(devs.find((d) => d.value === "/root/.ssh/id_rsa")).toMatchObject({ severity: "critical" });
  }, 200_000);
});
