// The runner daemon's own lifecycle on the real host: at start it removes the
// cgroups a hard kill left behind; on SIGTERM mid-run it stops the container,
// removes the run's cgroup, reports the run, deregisters and exits 0.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, utimesSync } from "node:fs";
import { Docker } from "../../src/runner/docker.ts";
import { runCgroupDirs } from "../../src/sensor/cgroup.ts";
import { newId } from "../../src/core/ids.ts";
import type { FakeRegistry } from "../fixtures/registry/registry.ts";
import { api, sandboxWithRegistry, startStack, stopAll, waitFor, type Stack } from "./lib.ts";

const IMAGE = "fangs-sandbox:e2e";
const docker = new Docker();
let reg: FakeRegistry;
let stack: Stack | undefined;
const orphan = newId();

beforeAll(async () => {
  reg = await sandboxWithRegistry(IMAGE);
  // What a SIGKILLed runner leaves: fangs/<run> in the v2 and a v1 hierarchy, old.
  const old = new Date(Date.now() - 10 * 60_000);
  for (const h of ["unified", "memory"]) {
    const d = `/sys/fs/cgroup/${h}/fangs/${orphan}`;
    mkdirSync(d, { recursive: true });
    utimesSync(d, old, old);
  }
}, 120_000);

afterAll(async () => {
  await stopAll(stack, reg);
}, 60_000);

test("start removes orphan cgroups; SIGTERM mid-run stops the sandbox, cleans up, deregisters, exits 0", async () => {
  stack = await startStack({ image: IMAGE });
  expect(stack.runner.err()).toContain(`removed orphan cgroup fangs/${orphan}`);
  expect(runCgroupDirs(orphan)).toEqual([]);

  const q = await api(stack.url, "POST", "/v1/scans", { package: "fangs-fixture-sleepy", version: "1.0.0", network: reg.network, registry_url: reg.url, duration: 120 });
  const runId: string = q.run_id;
  const containers = await waitFor("the sandbox container", async () => {
    const list = await docker.listContainers(`fangs.run=${runId}`);
    return list.length && list[0].State === "running" && stack!.runner.err().includes(`run ${runId}: started`) ? list : undefined;
  }, 30_000, () => stack!.runner.err());
  expect(existsSync(`/sys/fs/cgroup/unified/fangs/${runId}`)).toBe(true);

  const t0 = Date.now();
  const code = await stack.runner.stop("SIGTERM", 40_000);
  expect(code).toBe(0);
  expect(Date.now() - t0).toBeLessThan(30_000);
  const log = stack.runner.err();
  expect(log).toContain("runner stopped (SIGTERM) during the run");
  expect(log).toContain("deregistered");
  expect(await docker.inspect(containers[0].Id)).toBeUndefined();
  expect(runCgroupDirs(runId)).toEqual([]);

  const { run } = await api(stack.url, "GET", `/v1/runs/${runId}`);
  expect(run.status).toBe("failed"); // reported, never silently lost
  const { runners } = await api(stack.url, "GET", "/v1/runners");
  expect(runners.filter((r: { id: string }) => r.id === stack!.runnerId)).toEqual([]);
}, 120_000);
