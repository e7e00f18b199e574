// Watch → new release → automatic scan → verdict, on the real kernel and
// Docker. The fake registry is sealed (network none); `fangs serve` and
// `fangs runner` run inside its network namespace (nsenter), so the watcher
// polls the very registry the sandbox installs from, http://127.0.0.1:4873/,
// and nothing leaves the namespace. The widget is watched with its own scan
// settings; 1.1.0 (honest) and 1.2.0 (compromised) are published while serve
// runs with a 1 s poll interval; the watcher queues each with those settings
// and the runner brings back its verdict. A release with no install code in
// its closure is recorded without a sandbox.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Docker } from "../../src/runner/docker.ts";
import type { FakeRegistry } from "../fixtures/registry/registry.ts";
import { cliJson, sandboxWithRegistry, startStack, stopAll, waitFor, type Stack } from "./lib.ts";

const IMAGE = "fangs-sandbox:e2e-watch";
const PKG = "fangs-fixture-widget";
const QUIET = "fangs-fixture-quiet";
let reg: FakeRegistry;
let stack: Stack;
let netns: string;

beforeAll(async () => {
  reg = await sandboxWithRegistry(IMAGE, { hold: [`${PKG}/1.1.0`, `${PKG}/1.2.0`, `${QUIET}/1.1.0`] });
  const pid = (await new Docker().inspect(reg.id))?.State.Pid;
  if (!pid) throw new Error("fake registry has no pid");
  netns = `/proc/${pid}/ns/net`;
  stack = await startStack({ image: IMAGE, netns, pollInterval: "1s", serveArgs: ["-registry", reg.url] });
}, 180_000);

afterAll(async () => {
  const codes = await stopAll(stack, reg);
  expect(codes).toEqual({ serve: 0, runner: 0 });
}, 60_000);

/** `fangs <args>` inside the registry's namespace (package add validates on the registry). */
function inNs(args: string[]) {
  const p = Bun.spawnSync(["nsenter", `--net=${netns}`, process.env.FANGS_BIN ?? "dist/fangs", ...args, "-db", stack.db], { cwd: stack.dir, stdout: "pipe", stderr: "pipe" });
  return { code: p.exitCode, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

interface RunRow { id: string; version: string; status: string; verdict: string | null; runner_id: string | null; deviation_count: number }

/** The run of pkg@version once it has ended with a verdict (read from the database: the API is inside the namespace). */
function ended(pkg: string, version: string, timeoutMs = 150_000): Promise<RunRow> {
  return waitFor(`${pkg}@${version} to be scanned`, () => {
    const run = (cliJson(stack, ["run", "list", "-package", pkg]) as RunRow[]).find((r) => r.version === version);
    // The verdict is written just after the run ends (the differ runs once the finish is acknowledged).
    return run && ["finished", "failed", "timed_out"].includes(run.status) && run.verdict !== null ? run : undefined;
  }, timeoutMs, () => stack.runner.err() + "\n--- serve ---\n" + stack.serve.err());
}

const SETTINGS = () => ({ registry_url: reg.url, network: reg.network, duration_s: 40, memory_mb: 768 });

describe("the watcher end to end", () => {
  test("package add: the kickoff scan of the latest version seeds the baseline, with the package's settings", async () => {
    const add = inNs(["package", "add", PKG, "-registry-url", reg.url, "-network", reg.network, "-duration", "40s", "-memory", "768", "--json"]);
    expect(add.stderr).toBe("");
    expect(JSON.parse(add.stdout)).toMatchObject({ package: PKG, last_seen_version: "1.0.0", kickoff_version: "1.0.0", settings: SETTINGS() });
    const seed = await ended(PKG, "1.0.0");
    expect(seed).toMatchObject({ status: "finished", verdict: "seeded" });
    expect(cliJson(stack, ["run", "show", seed.id]).spec).toMatchObject(SETTINGS());
  }, 200_000);

  test("an honest release published while serve runs is queued by the watcher and comes back clean", async () => {
    await reg.publish(PKG, "1.1.0");
    const run = await ended(PKG, "1.1.0");
    // On failure, show what was new: the deviations say more than a verdict.
    if (run.deviation_count) expect(cliJson(stack, ["deviation", "list", "-run", run.id]).map((d: { category: string; actor: string; value: string }) => `${d.category} ${d.actor} ${d.value}`)).toEqual([]);
    expect(run).toMatchObject({ status: "finished", verdict: "clean", deviation_count: 0 });
    expect(run.runner_id).toBe(stack.runnerId);
    expect(cliJson(stack, ["run", "show", run.id]).spec).toMatchObject(SETTINGS());
    expect(cliJson(stack, ["release", "list", "-package", PKG]).find((r: { version: string }) => r.version === "1.1.0")).toMatchObject({ source: "watcher", runs: 1 });
  }, 200_000);

  test("a compromised release published while serve runs is queued by the watcher and lands in pending", async () => {
    await reg.publish(PKG, "1.2.0");
    const run = await ended(PKG, "1.2.0");
    expect(run).toMatchObject({ status: "finished", verdict: "deviations" });
    expect(cliJson(stack, ["run", "show", run.id]).spec).toMatchObject(SETTINGS());
    const devs: Array<{ category: string; value: string; severity: string }> = cliJson(stack, ["deviation", "list", "-run", run.id]);
    expect(devs).toContainEqual(expect.objectContaining({ category: "fs_new_path_read", value: "/root/.npmrc", severity: "critical" }));
    expect(devs).toContainEqual(expect.objectContaining({ category: "net_new_destination", value: "203.0.113.10:443" }));
    expect(JSON.stringify(cliJson(stack, ["pending"]))).toContain(run.id);
    expect(cliJson(stack, ["release", "list", "-package", PKG]).find((r: { version: string }) => r.version === "1.2.0")).toMatchObject({ source: "watcher" });
  }, 200_000);

  test("an install-only package's release with no install code in its closure is recorded without a sandbox", async () => {
    const add = inNs(["package", "add", QUIET, "-registry-url", reg.url, "-network", reg.network, "-install-only", "-skip-initial-scan", "--json"]);
    expect(add.stderr).toBe("");
    await reg.publish(QUIET, "1.1.0");
    const run = await ended(QUIET, "1.1.0", 30_000);
    expect(run).toMatchObject({ status: "finished", verdict: "no-install-code", runner_id: null });
    await waitFor("the watcher's log line", () => (stack.serve.err().includes("none of 1 package(s) in the closure runs install code") ? true : undefined), 5_000, () => stack.serve.err());
  }, 60_000);
});
