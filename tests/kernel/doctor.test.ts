// `fangs runner doctor` on this host through the compiled executable: every
// probe has a line, the kernel facts are right, and the exit code follows the
// required checks.
import { expect, test } from "bun:test";
import { fangs } from "../lib/env.ts";

interface Check { name: string; ok: boolean; required: boolean; detail: string; fix?: string }

test("doctor --json reports probes, BTF, filesystems, Docker and the exit code matches", () => {
  const r = fangs(["runner", "doctor", "--json"]);
  const { ok, checks } = JSON.parse(r.stdout) as { ok: boolean; checks: Check[] };
  const byName = new Map(checks.map((c) => [c.name, c]));
  for (const name of ["kernel BTF", "cgroup v2", "bpf", "tracefs", "bpffs", "probe sys_enter_openat", "probe sys_exit_openat", "probe sys_enter_execve", "probe sys_exit_execve", "probe sys_enter_connect"]) {
    expect(byName.get(name)).toMatchObject({ ok: true, required: true });
  }
  for (const name of ["docker", "sandbox image", "libssl", "probe kprobe:tcp_v4_connect", "probe sched_process_exec", "probe io_uring_submit_req", "probe tp_btf:sched_process_fork", "probe sched_process_exit", "probe sys_enter_socket", "probe sys_exit_symlinkat", "probe sys_exit_fchmod"]) {
    expect(byName.has(name)).toBe(true);
  }
  for (const c of checks) if (!c.ok) expect(c.fix).toBeTruthy(); // every failure says what to do
  expect(ok).toBe(checks.every((c) => c.ok || !c.required));
  expect(r.code).toBe(ok ? 0 : 1);
}, 30_000); // loading ~60 probes and detaching them takes seconds on a busy host

test("doctor for people: one line per check, a missing image fails with the fix", () => {
  const r = fangs(["runner", "doctor", "-image", "fangs-no-such-image:never"]);
  expect(r.stdout).toMatch(/^PASS {2}kernel BTF: /m);
  expect(r.stdout).toMatch(/^FAIL {2}sandbox image: .*fix: fangs sandbox build-image$/m);
  expect(r.stdout).toContain("runner host NOT ready");
  expect(r.code).toBe(1);
}, 30_000);

test("doctor with no engine behind the socket: the Docker client's one-line error names it, the image is not asked", () => {
  const r = fangs(["runner", "doctor", "-docker-socket", "/nonexistent/docker.sock", "--json"]);
  const { checks } = JSON.parse(r.stdout) as { checks: Check[] };
  const docker = checks.find((c) => c.name === "docker")!;
  expect(docker).toMatchObject({ ok: false, required: true, fix: expect.stringContaining("-docker-socket") });
  expect(docker.detail).toContain("/nonexistent/docker.sock");
  expect(docker.detail).not.toContain("\n");
  expect(checks.find((c) => c.name === "sandbox image")).toMatchObject({ ok: false, detail: "Docker unreachable" });
  expect(r.code).toBe(1);
}, 30_000);
