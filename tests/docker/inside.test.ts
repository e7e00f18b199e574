// The sandbox seen from inside, by a package that looks for tells before it
// acts and tries what a payload would: no product name or run id anywhere it
// can read, a different hostname every run, and the confinement the README's
// trust section promises (seccomp, read-only image, noexec scratch space).
// Real dockerd, the realistic image, installs from the sealed registry.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { Docker } from "../../src/runner/docker.ts";
import { buildImage } from "../../src/runner/image.ts";
import { runSandbox, type SandboxResult } from "../../src/runner/sandbox/run.ts";
import { containerConfig } from "../../src/runner/sandbox/spec.ts";
import { newBait } from "../../src/runner/bait.ts";
import { tar, type TarEntry } from "../../src/runner/tar.ts";
import { DEFAULT_SPEC, type SandboxSpec } from "../../src/protocol/sandbox.ts";
import { newId } from "../../src/core/ids.ts";
import { PROJECT_DIR } from "../../src/differ/severity.ts";
import { startFakeRegistry, type FakeRegistry } from "../fixtures/registry/registry.ts";

const IMAGE = "fangs-sandbox:test";
const PKG_DIR = join(import.meta.dir, "../fixtures/packages/tells-probe/1.0.0");
const docker = new Docker();
let reg: FakeRegistry;

beforeAll(async () => {
  await docker.ping();
  await buildImage(docker, IMAGE); // the recipe's cached image after the first build (~1-2 min)
  reg = await startFakeRegistry({ image: IMAGE });
}, 600_000);

afterAll(async () => {
  await reg?.stop();
});

interface Tells { hostname: string; project: string; text: string; confinement: Record<string, string> }

function tells(r: SandboxResult): Tells {
  const line = r.logTail.split("\n").find((l) => l.startsWith("TELLS "));
  if (!line) throw new Error(`the probe printed nothing: ${r.failureReason} ${r.logTail.slice(-2000)}`);
  return JSON.parse(line.slice("TELLS ".length));
}

async function run(spec: Partial<SandboxSpec>, plant?: { target: string; files: TarEntry[] }): Promise<{ result: SandboxResult; runId: string }> {
  const runId = newId();
  const result = await runSandbox({ docker, runId, pkg: "tells-probe", version: "1.0.0", spec: { ...DEFAULT_SPEC, duration_s: 60, ...spec }, image: IMAGE, bait: newBait(), plant });
  return { result, runId };
}

/** The fixture as a tarball planted in the sandbox (no registry: network none, so the runner sets the hostname). */
function planted(): { target: string; files: TarEntry[] } {
  const files: TarEntry[] = [{ type: "dir", path: "package" }];
  for (const f of readdirSync(PKG_DIR)) files.push({ type: "file", path: `package/${f}`, data: readFileSync(join(PKG_DIR, f)) });
  return { target: "/srv/pkg/tells-probe-1.0.0.tgz", files: [{ type: "dir", path: "srv/pkg" }, { type: "file", path: "srv/pkg/tells-probe-1.0.0.tgz", data: gzipSync(tar(files)) }] };
}

function assertNoTells(t: Tells, runId: string): void {
  // Each finding names where it was read, so a failure says what leaked.
  const leaks = t.text.split("\n== ").filter((part) => /fangs/i.test(part) || part.includes(runId)).map((part) => {
    const [where, ...body] = part.split("\n");
    const hit = body.find((l) => /fangs/i.test(l) || l.includes(runId)) ?? "";
    return `${where}: ${hit.slice(0, 200)}`;
  });
  expect(leaks).toEqual([]);
  // The probe really read what it claims (not an empty text that cannot fail).
  for (const where of ["/proc/self/cgroup", "/proc/1/cmdline", "/proc/self/mountinfo", "/etc/hosts", "env"]) expect(t.text).toContain(`== ${where}\n`);
  expect(t.text).toContain("node"); // PID 1 and npm are there to be read
  expect(t.text).toMatch(/== \/proc\/self\/cgroup\n(\d+:[^\n]*:\/\n)+/);
}

describe("identity: nothing inside names the product or the run", () => {
  test("installed from the sealed registry, the probe finds no tell in cgroups, mounts, processes, environment, hostname or files", async () => {
    const { result, runId } = await run({ network: reg.network, registry_url: reg.url });
    expect(result.status).toBe("finished");
    const t = tells(result);
    assertNoTells(t, runId);
  }, 120_000);

  test("two runs get different hostnames, both ordinary", async () => {
    const a = await run({ network: "none" }, planted());
    const b = await run({ network: "none" }, planted());
    const ta = tells(a.result), tb = tells(b.result);
    assertNoTells(ta, a.runId);
    assertNoTells(tb, b.runId);
    expect(ta.hostname).not.toBe(tb.hostname);
    for (const h of [ta.hostname, tb.hostname]) expect(h).toMatch(/^[a-z0-9][a-z0-9-]+$/);
    // npm's INIT_CWD, where the install runs: a checkout directory, another one each run.
    expect(ta.project).not.toBe(tb.project);
    for (const p of [ta.project, tb.project]) expect(p).toMatch(/^\/[a-z_]+(\/[A-Za-z0-9._-]+)+$/);
    for (const p of [ta.project, tb.project]) expect(p).not.toBe(PROJECT_DIR);
  }, 180_000);
});

describe("confinement, tried from inside", () => {
  let c: Record<string, string>;
  beforeAll(async () => {
    const { result } = await run({ network: reg.network, registry_url: reg.url });
    c = tells(result).confinement;
  }, 120_000);

  test("seccomp and capabilities refuse mount, keyctl, unshare(CLONE_NEWUSER), ptrace of another process, io_uring", () => {
    expect(c.error).toBeUndefined();
    expect(c.mount).toBe("Operation not permitted");
    expect(c.keyctl).toBe("Operation not permitted");
    expect(c.unshare_user).toBe("Operation not permitted");
    expect(c.ptrace_attach).toBe("Operation not permitted");
    expect(c.io_uring_setup).toBe("Function not implemented");
  });

  test("the image is read-only: writes to /usr/bin, /etc and / fail", () => {
    for (const d of ["/usr/bin", "/etc", "/"]) expect(c[`write ${d}`]).toBe("Read-only file system");
  });

  test("a binary written to /tmp, /var/tmp, /run or /dev/shm cannot be executed; HOME and the project can (an install runs code there)", () => {
    for (const d of ["/tmp", "/var/tmp", "/run", "/dev/shm"]) expect(c[`exec ${d}`]).toBe("Permission denied");
    expect(c["exec /root"]).toBe("ok");
    expect(c["exec project"]).toBe("ok");
  });

  test("the refusals are the profile's: the same ptrace and unshare succeed with seccomp unconfined", async () => {
    const runId = newId();
    const cfg = containerConfig({ runId, pkg: "x", version: "1.0.0", spec: { ...DEFAULT_SPEC, network: "none" }, image: IMAGE, npm: { allowAllScripts: true }, bait: newBait() }) as any;
    cfg.HostConfig.SecurityOpt = ["no-new-privileges:true", "seccomp=unconfined"];
    cfg.HostConfig.CgroupParent = "";
    cfg.Cmd = ["python3", "-c", [
      "import ctypes, os",
      "libc = ctypes.CDLL(None, use_errno=True)",
      "pid = os.fork()",
      "if pid == 0:\n    import time; time.sleep(5); os._exit(0)",
      "print('ptrace', libc.ptrace(16, pid, None, None))",
      "os.kill(pid, 9)",
      "print('unshare', libc.unshare(0x10000000))",
    ].join("\n")];
    const out = await docker.runToEnd(`inside-unconfined-${runId}`, cfg, 20);
    expect(out).toContain("ptrace 0");
    expect(out).toContain("unshare 0");
  }, 60_000);
});
