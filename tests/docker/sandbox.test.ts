// The sandbox alone, on the real Docker Engine and kernel (no orchestrator, no
// sensor): image build, hardening visible in `docker inspect` and from inside,
// bait, duration limit, OOM, start failure, cgroup and container cleanup.
// Needs root, dockerd (scripts/services) and busybox-static: fails loudly if not.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, statSync } from "node:fs";
import { Docker } from "../../src/runner/docker.ts";
import { buildImage } from "../../src/runner/image.ts";
import { runCgroupDirs } from "../../src/sensor/cgroup.ts";
import { runSandbox, type SandboxResult } from "../../src/runner/sandbox/run.ts";
import { containerConfig, TMPFS } from "../../src/runner/sandbox/spec.ts";
import { SECCOMP_OPT } from "../../src/runner/sandbox/seccomp.ts";
import { newBait } from "../../src/runner/bait.ts";
import { DEFAULT_SPEC, type SandboxSpec } from "../../src/protocol/sandbox.ts";
import { newId } from "../../src/core/ids.ts";
import { startFakeRegistry, type FakeRegistry } from "../fixtures/registry/registry.ts";

const IMAGE = "fangs-sandbox:test";
const docker = new Docker();
let reg: FakeRegistry;

beforeAll(async () => {
  await docker.ping(); // throws "is dockerd running?" when it is not
  const img = await buildImage(docker, IMAGE);
  expect(img.allowAllScripts).toBe(true);
  reg = await startFakeRegistry({ image: IMAGE });
}, 600_000); // the realistic image's first build on a fresh machine takes about a minute

afterAll(async () => {
  await reg?.stop();
});

function spec(over: Partial<SandboxSpec> = {}): SandboxSpec {
  return { ...DEFAULT_SPEC, network: reg.network, registry_url: reg.url, duration_s: 30, ...over };
}

interface Observed { result: SandboxResult; cgroupSeen: { id: bigint; existed: boolean; inode: bigint } | null; runId: string }

async function install(pkg: string, version: string, over: Partial<SandboxSpec> = {}, watch?: (id: bigint) => void): Promise<Observed> {
  const runId = newId();
  let cgroupSeen: Observed["cgroupSeen"] = null;
  const result = await runSandbox({
    docker, runId, pkg, version, spec: spec(over), image: IMAGE, bait: newBait(),
    watch: (id) => {
      const dir = `/sys/fs/cgroup/unified/fangs/${runId}`;
      cgroupSeen = { id, existed: existsSync(dir), inode: existsSync(dir) ? statSync(dir, { bigint: true }).ino : -1n };
      watch?.(id);
    },
  });
  return { result, cgroupSeen, runId };
}

describe("sandbox image", () => {
  test("is importable without a registry and labelled with its npm version and user", async () => {
    const img = await docker.imageInspect(IMAGE);
    expect(img).toBeDefined();
    expect(img!.Config.Labels["fangs.npm.version"]).toMatch(/^\d+\.\d+\.\d+$/);
    expect(img!.Config.User).toBe("0:0");
  });
});

describe("hardening in docker inspect", () => {
  test("every field of the threat model reaches the engine", async () => {
    const runId = newId();
    const id = await docker.createContainer(`fangs-inspect-${runId}`, containerConfig({ runId, pkg: "x", version: "1.0.0", spec: DEFAULT_SPEC, image: IMAGE, npm: { allowAllScripts: true }, bait: newBait() }));
    try {
      const h = (await docker.inspect(id))!.HostConfig;
      const c = (await docker.inspect(id))!.Config;
      const got = {
        User: c.User, CapDrop: h.CapDrop, SecurityOpt: h.SecurityOpt, CgroupnsMode: h.CgroupnsMode, Hostname: c.Hostname.length, Privileged: h.Privileged, PidsLimit: h.PidsLimit,
        Memory: h.Memory, NanoCpus: h.NanoCpus, Tmpfs: h.Tmpfs, ReadonlyRootfs: h.ReadonlyRootfs, Binds: h.Binds ?? [],
        Mounts: (h.Mounts ?? []).map((m: { Target: string }) => (m.Target === c.WorkingDir ? { ...m, Target: "<project>" } : m)), Devices: h.Devices ?? [], CgroupParent: h.CgroupParent, NetworkMode: h.NetworkMode,
        Ulimits: (h.Ulimits as { Name: string }[]).map((u) => u.Name).sort(),
      };
      expect(got).toEqual({
        User: "0:0", CapDrop: ["ALL"], SecurityOpt: ["no-new-privileges:true", SECCOMP_OPT], CgroupnsMode: "private", Hostname: expect.any(Number), Privileged: false, PidsLimit: 256,
        Memory: 512 * 1024 * 1024, NanoCpus: 1e9, Tmpfs: TMPFS, ReadonlyRootfs: true,
        Binds: [], Mounts: [{ Type: "volume", Target: "/root" }, { Type: "volume", Target: "/srv" }, { Type: "volume", Target: "<project>" }], Devices: [], CgroupParent: `/fangs/${runId}`, NetworkMode: "bridge", Ulimits: ["fsize", "nofile", "nproc"],
      });
    } finally {
      await docker.remove(id);
    }
  });
});

describe("a sandboxed install", () => {
  test("runs the install script as root without capabilities, with bait, in /fangs/<run> (not visible inside), then leaves nothing behind", async () => {
    const { result, cgroupSeen, runId } = await install("fangs-fixture-probe", "1.0.0");
    expect(result.failureReason).toBeNull();
    expect(result.status).toBe("finished");
    expect(result.exitCode).toBe(0);
    const line = result.logTail.split("\n").find((l) => l.startsWith("FANGS-PROBE "));
    expect(line).toBeDefined(); // the postinstall ran
    const inside = JSON.parse(line!.slice("FANGS-PROBE ".length));
    expect(inside.uid).toBe(0);
    expect(inside.capEff).toBe("0000000000000000");
    expect(inside.capBnd).toBe("0000000000000000");
    expect(inside.noNewPrivs).toBe("1");
    // Its own cgroup namespace: the host path /fangs/<run>/<container> is not readable inside.
    expect(inside.cgroup).toMatch(/^0::\/$/m);
    expect(inside.cgroup).not.toContain(runId);
    expect(inside.tmpMount).toContain("noexec");
    expect(inside.npmrc).toContain(result.bait.npm_token);
    expect(inside.sshKey).toBe("-----BEGIN OPENSSH PRIVATE KEY-----");
    expect(inside.awsKey).toBe(result.bait.aws_access_key_id);
    expect(inside.nofile).toBe("4096");
    expect(inside.pidsMax).toBe("256");
    // The cgroup existed before the container, and its id is its inode.
    expect(cgroupSeen).not.toBeNull();
    expect(cgroupSeen!.existed).toBe(true);
    expect(cgroupSeen!.id).toBe(cgroupSeen!.inode);
    expect(result.cgroupId).toBe(cgroupSeen!.id);
    // Cleanup: container removed, fangs/<run> gone from every hierarchy.
    expect(await docker.inspect(result.containerId!)).toBeUndefined();
    expect(result.cgroupLeftovers).toEqual([]);
    expect(runCgroupDirs(runId)).toEqual([]);
  }, 60_000);

  test("a run that reaches the duration limit is timed_out, stopped and removed", async () => {
    const t0 = Date.now();
    const { result, runId } = await install("fangs-fixture-sleepy", "1.0.0", { duration_s: 3 });
    expect(result.status).toBe("timed_out");
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(result.exitCode).not.toBe(0);
    expect(await docker.inspect(result.containerId!)).toBeUndefined();
    expect(runCgroupDirs(runId)).toEqual([]);
  }, 60_000);

  test("a postinstall allocating past 512 MB is OOM-killed: exit 137, recorded", async () => {
    const { result, runId } = await install("fangs-fixture-oom", "1.0.0");
    expect(result.exitCode).toBe(137);
    expect(result.failureReason).toContain("OOM");
    expect(result.logTail).not.toContain("the memory limit did not apply");
    expect(runCgroupDirs(runId)).toEqual([]);
  }, 60_000);

  test("a container Docker cannot start is exit 125, failed, cleaned up", async () => {
    const { result, runId } = await install("fangs-fixture-probe", "1.0.0", { network: "container:fangs-no-such-container" });
    expect(result.status).toBe("failed");
    expect(result.exitCode).toBe(125);
    expect(result.failureReason).toContain("fangs-no-such-container");
    expect(runCgroupDirs(runId)).toEqual([]);
  }, 60_000);

  test("a sensor refusing the cgroup (already registered) fails the run before any container exists", async () => {
    const { result, runId } = await install("fangs-fixture-probe", "1.0.0", {}, () => {
      throw new Error("AddCgroup: cgroup id already registered");
    });
    expect(result.status).toBe("failed");
    expect(result.failureReason).toContain("AddCgroup: cgroup id already registered");
    expect(result.containerId).toBeNull();
    expect(runCgroupDirs(runId)).toEqual([]);
  }, 30_000);
});

describe("npm feature detection", () => {
  test("an image without our label (e.g. a pulled node image) is asked once, and its answer is used", async () => {
    const { imageEntries, defaultSources, npmFeatures } = await import("../../src/runner/image.ts");
    const { tar } = await import("../../src/runner/tar.ts");
    const name = "fangs-sandbox-nolabel:test";
    await docker.importImage("fangs-sandbox-nolabel", "test", tar(imageEntries(defaultSources()).entries), ["ENV PATH=/usr/local/bin:/usr/bin:/bin", "USER 0:0"]);
    const img = await docker.imageInspect(name);
    expect(img?.Config.Labels?.["fangs.npm.allow-all-scripts"]).toBeUndefined();
    // This host's npm 11 knows the flag, so the probe must find it.
    expect(await npmFeatures(docker, name)).toEqual({ allowAllScripts: true });
    // The probe container is gone.
    expect(await docker.listContainers("fangs.probe")).toEqual([]);
  }, 60_000);
});
