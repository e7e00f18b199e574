// The runner daemon under mTLS: certificates from `dist/fangs ca`, the
// orchestrator on HTTPS requiring client certificates for the runner protocol,
// `fangs runner -cert -key -ca`. The certificate CN becomes the runner id and
// a scan goes all the way through.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fangs, tempDir } from "../lib/env.ts";
import type { FakeRegistry } from "../fixtures/registry/registry.ts";
import { api, sandboxWithRegistry, startStack, stopAll, waitFor, type Stack } from "./lib.ts";

const IMAGE = "fangs-sandbox:e2e";
const OP = "e2e-operator-token";
let reg: FakeRegistry;
let stack: Stack | undefined;

beforeAll(async () => {
  reg = await sandboxWithRegistry(IMAGE);
}, 120_000);

afterAll(async () => {
  await stopAll(stack, reg);
}, 60_000);

test("a runner with a client certificate registers as its CN and completes a scan", async () => {
  const dir = tempDir("fangs-e2e-mtls-");
  const ca = join(dir, "ca");
  for (const args of [["ca", "init"], ["ca", "issue-server", "localhost", "-san", "127.0.0.1"], ["ca", "issue-runner", "scan-host-01"]]) {
    const r = fangs([...args, "-dir", ca]);
    if (r.code !== 0) throw new Error(`fangs ${args.join(" ")}: ${r.stderr}`);
  }
  stack = await startStack({
    image: IMAGE,
    dir,
    runnerId: "not-the-cn",
    serveArgs: ["-tls-cert", join(ca, "server.crt"), "-tls-key", join(ca, "server.key"), "-tls-client-ca", join(ca, "ca.crt"), "-operator-token", OP],
    runnerArgs: ["-cert", join(ca, "runners/scan-host-01.crt"), "-key", join(ca, "runners/scan-host-01.key"), "-ca", join(ca, "ca.crt")],
  });
  expect(stack.url).toStartWith("https://");
  expect(stack.runnerId).toBe("scan-host-01");
  const auth = { tls: { ca: readFileSync(join(ca, "ca.crt"), "utf8") }, token: OP };
  const q = await api(stack.url, "POST", "/v1/scans", { package: "fangs-fixture-widget", version: "1.0.0", runner: "scan-host-01", network: reg.network, registry_url: reg.url, duration: 30 }, auth);
  const run = await waitFor("the scan's verdict", async () => {
    const { run } = await api(stack!.url, "GET", `/v1/runs/${q.run_id}`, undefined, auth);
    return run.verdict ? run : undefined;
  }, 60_000, () => stack!.runner.err());
  expect(run).toMatchObject({ status: "finished", exit_code: 0, verdict: "seeded", runner_id: "scan-host-01" });
  expect(run.events_count).toBeGreaterThan(100);
  const codes = await stack.stop();
  stack = undefined;
  expect(codes.runner).toBe(0);
}, 120_000);
