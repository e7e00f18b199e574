// The shipped systemd units (deploy/systemd/): systemd itself finds nothing
// wrong with them (systemd-analyze verify, against the compiled executable),
// they carry what the issues ask for, and the command lines they start are
// ones dist/fangs accepts.
import { expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fangsBin, REPO, tempDir } from "../lib/env.ts";
import { root } from "../../src/cli/main.ts";
import { parseCommandLine } from "../../src/cli/dispatch.ts";

const UNITS = ["fangs-orchestrator.service", "fangs-runner.service"];
const unit = (name: string) => readFileSync(join(REPO, "deploy/systemd", name), "utf8");
/** Values of a directive (a directive may repeat). */
const values = (text: string, key: string) => text.split("\n").filter((l) => l.startsWith(key + "=")).map((l) => l.slice(key.length + 1));

test("systemd-analyze verify finds nothing wrong", () => {
  const dir = tempDir("fangs-units-");
  // The units name /usr/local/bin/fangs; verify checks that it is executable.
  for (const u of UNITS) writeFileSync(join(dir, u), unit(u).replaceAll("/usr/local/bin/fangs", fangsBin()));
  const r = Bun.spawnSync(["systemd-analyze", "verify", "--man=no", ...UNITS.map((u) => join(dir, u))], { stdout: "pipe", stderr: "pipe" });
  expect(r.stderr.toString() + r.stdout.toString()).toBe("");
  expect(r.exitCode).toBe(0);
});

test.each([
  ["fangs-orchestrator.service", { User: "fangs", StateDirectory: "fangs", Restart: "on-failure", KillSignal: "SIGTERM", NoNewPrivileges: "yes", ProtectSystem: "strict", CapabilityBoundingSet: "" }],
  ["fangs-runner.service", { User: "root", Restart: "on-failure", KillSignal: "SIGTERM", Requires: "docker.service" }],
] as const)("%s: user, state, restart, SIGTERM stop, sandboxing", (name, want) => {
  const text = unit(name);
  for (const [k, v] of Object.entries(want)) expect(values(text, k), k).toContain(v);
});

test("runner: BPF capabilities; SIGTERM to the main process first, with time to clean its cgroups", () => {
  const text = unit("fangs-runner.service");
  const caps = values(text, "CapabilityBoundingSet").join(" ").split(/\s+/);
  for (const c of ["CAP_BPF", "CAP_PERFMON", "CAP_SYS_ADMIN"]) expect(caps).toContain(c);
  expect(values(text, "KillMode")).toEqual(["mixed"]);
  expect(Number(values(text, "TimeoutStopSec")[0])).toBeGreaterThanOrEqual(30);
});

test.each(UNITS)("%s: the command lines it starts are ones dist/fangs accepts", async (name) => {
  const text = unit(name);
  const env = Object.fromEntries(values(text, "Environment").map((e) => e.split("=", 2) as [string, string]));
  const lines = [...values(text, "ExecStartPre"), ...values(text, "ExecStart")].map((l) => l.replace(/^[-+]+/, "")); // "-": failure tolerated, "+": full privileges
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    const argv = line.replace(/\$\{(\w+)\}/g, (_m, k: string) => env[k] ?? "").split(/\s+/).filter(Boolean);
    expect(argv[0]).toBe("/usr/local/bin/fangs");
    expect((await parseCommandLine(root, argv.slice(1))).kind).toBe("run");
  }
});
