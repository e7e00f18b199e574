// How a run ended, as the operator reads it from dist/fangs: finished,
// timed_out and failed runs look different in `run list` and `run show`, and
// the sandbox's known exit codes carry their meaning (137 OOM, or the
// duration limit's kill when timed out; 125 Docker).
// Runs end through the storage layer's real finishRun, as the orchestrator does.
import { beforeAll, expect, test } from "bun:test";
import { fangsAsync, freshDb, withStore } from "./helpers.ts";
import { enqueueScan } from "../../src/store/runs.ts";
import { claimNext, finishRun, registerRunner } from "../../src/store/queue.ts";
import type { FinishRequest } from "../../src/protocol/runner.ts";

const db = freshDb();
const ids: Record<string, string> = {};
const f = (args: string[]) => fangsAsync(args, { FANGS_DB: db });

// name, what the runner reported
const endings: Array<[string, Pick<FinishRequest, "status" | "exit_code" | "failure_reason">]> = [
  ["clean", { status: "finished", exit_code: 0 }],
  ["oom", { status: "finished", exit_code: 137, failure_reason: "exit_code=137: OOM killed (Memory 512 MB)" }],
  ["docker", { status: "failed", exit_code: 125, failure_reason: "docker: no such image" }],
  ["slow", { status: "timed_out", exit_code: 137 }],
];

beforeAll(async () => {
  await withStore(db, async (s) => {
    await registerRunner(s, { id: "scan-01", hostname: "scan-01", version: "t", probes: [], certCn: null });
    for (const [name, end] of endings) {
      const run = await enqueueScan(s, { package: `outcome-${name}`, version: "1.0.0", source: "manual", actor: "test" });
      expect((await claimNext(s, "scan-01"))?.id).toBe(run.id);
      await finishRun(s, run.id, "scan-01", { events_sent: 0, events_dropped: 0, batch_send_errors: 0, timings: {}, failure_reason: null, ...end });
      ids[name] = run.id;
    }
  });
});

test.each([
  ["clean", "finished", "0", null],
  ["oom", "finished", "137 oom", "OOM-killed by the sandbox memory limit"],
  ["docker", "failed", "125 docker", "Docker could not start the container"],
  ["slow", "timed_out", "137 killed", "killed at the duration limit"], // SIGKILL from the runner, not the memory limit
] as const)("%s: run list and run show say %s / %s", async (name, status, exitLabel, meaning) => {
  const list = await f(["run", "list", "-package", `outcome-${name}`]);
  expect(list.code).toBe(0);
  expect(list.stdout).toMatch(/RUN\s+PACKAGE\s+VERSION\s+STATUS\s+EXIT\s+VERDICT/);
  expect(list.stdout).toMatch(new RegExp(`${ids[name].slice(0, 12)}\\s+outcome-${name}\\s+1\\.0\\.0\\s+${status}\\s+${exitLabel}\\s`));

  const show = await f(["run", "show", ids[name]]);
  expect(show.code).toBe(0);
  const line = (k: string) => show.stdout.split("\n").find((l) => l.startsWith(k + " ")) ?? "";
  expect(line("status")).toMatch(new RegExp(`^status\\s+${status} \\(`));
  if (meaning) {
    expect(line("exit_code")).toContain(`(${meaning})`);
    expect(line("failure_reason")).toContain(meaning);
  } else expect(line("exit_code")).toMatch(/^exit_code\s+0$/);

  const json = JSON.parse((await f(["run", "show", ids[name], "--json"])).stdout);
  expect(json).toMatchObject({ status, exit_code: Number(exitLabel.split(" ")[0]) });
});

test("timed out, failed and finished read differently in run show", async () => {
  const statusLines = await Promise.all(["clean", "docker", "slow"].map(async (n) => (await f(["run", "show", ids[n]])).stdout.split("\n").find((l) => l.startsWith("status "))));
  expect(new Set(statusLines).size).toBe(3);
  expect(statusLines[2]).toContain("duration limit");
});
