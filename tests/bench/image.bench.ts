// The sandbox image's cost (run: bun tests/bench/image.bench.ts; root, dockerd):
//  1. build time and size of the realistic (Debian, mmdebstrap) image from
//     scratch and of the minimal (busybox) one, and the cached rebuild;
//  2. wall time of one real install of a fixture (postinstall scripts, from
//     the sealed registry) in each image, interleaved with the order flipped
//     every round so machine drift hits both alike; no sensor (sandbox.bench.ts
//     measures the sensor's share);
//  3. the native addon fixture (node-gyp + g++), which only the realistic image can build;
//  4. the read-only image's share: create + plant the bait + remove with the
//     per-run volumes (today) vs the writable rootfs the sandbox had before.
// BENCH_IMAGE_SCRATCH=0 skips the from-scratch Debian build (about a minute).
import { Docker } from "../../src/runner/docker.ts";
import { buildImage, type BuiltImage } from "../../src/runner/image.ts";
import { runSandbox } from "../../src/runner/sandbox/run.ts";
import { DEFAULT_SPEC } from "../../src/protocol/sandbox.ts";
import { newId } from "../../src/core/ids.ts";
import { containerConfig, TMPFS_TMP } from "../../src/runner/sandbox/spec.ts";
import { plantArchives } from "../../src/runner/sandbox/plant.ts";
import { baitFiles, newBait } from "../../src/runner/bait.ts";
import { tar } from "../../src/runner/tar.ts";
import { RunOwners } from "../../src/runner/owners.ts";
import { startFakeRegistry } from "../fixtures/registry/registry.ts";

const DEBIAN = "fangs-sandbox:bench-debian";
const MINIMAL = "fangs-sandbox:bench-minimal";
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const docker = new Docker();
const owners = new RunOwners();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (b: number) => `${(b / 1e6).toFixed(0)} MB`;
const line = (s: string) => console.log(s);

// 1. Build time and size.
const minimal = await buildImage(docker, MINIMAL, { flavor: "minimal" });
line(`minimal image: built in ${minimal.seconds.toFixed(1)} s, ${mb(minimal.sizeBytes)}`);
let scratch: BuiltImage | undefined;
if (process.env.BENCH_IMAGE_SCRATCH !== "0") {
  scratch = await buildImage(docker, DEBIAN, { rebuild: true });
  line(`debian image: built from scratch in ${scratch.seconds.toFixed(1)} s (mmdebstrap from the apt mirror + node/npm/headers + import), ${mb(scratch.sizeBytes)}, recipe ${scratch.recipe}`);
}
const cached = await buildImage(docker, DEBIAN);
line(`debian image: same recipe again (cached, tag only) in ${cached.seconds.toFixed(2)} s, ${mb(cached.sizeBytes)}`);

// 2. Per-scan wall time, interleaved.
const reg = await startFakeRegistry({ image: MINIMAL });
const spec = { ...DEFAULT_SPEC, network: reg.network, registry_url: reg.url, duration_s: 120 };
async function once(image: string, pkg: string, version: string): Promise<{ wall: number; container: number }> {
  const runId = newId();
  owners.claim(runId); // a runner starting on this host meanwhile leaves the sandbox alone
  const t0 = performance.now();
  const r = await runSandbox({ docker, runId, pkg, version, spec, image }).finally(() => owners.release(runId));
  if (r.status !== "finished" || r.exitCode !== 0) throw new Error(`${pkg}@${version} on ${image}: ${r.status} ${r.exitCode} ${r.failureReason} ${r.logTail.slice(-400)}`);
  return { wall: performance.now() - t0, container: r.timings.container_ms };
}
try {
  const PKG = ["fangs-fixture-widget", "1.0.0"] as const;
  await once(MINIMAL, ...PKG); // warm both images' layers
  await once(DEBIAN, ...PKG);
  const wall = { minimal: [] as number[], debian: [] as number[] };
  const cont = { minimal: [] as number[], debian: [] as number[] };
  for (let i = 0; i < ROUNDS; i++) {
    const order = i % 2 ? (["debian", "minimal"] as const) : (["minimal", "debian"] as const);
    for (const which of order) {
      const m = await once(which === "debian" ? DEBIAN : MINIMAL, ...PKG);
      wall[which].push(m.wall);
      cont[which].push(m.container);
    }
  }
  const wm = median(wall.minimal), wd = median(wall.debian);
  line(`install of ${PKG.join("@")} (postinstall scripts), median of ${ROUNDS} interleaved rounds:`);
  line(`  minimal: ${wm.toFixed(0)} ms wall (create to removal), ${median(cont.minimal).toFixed(0)} ms in the container`);
  line(`  debian:  ${wd.toFixed(0)} ms wall, ${median(cont.debian).toFixed(0)} ms in the container`);
  line(`  ratio debian/minimal: ${(wd / wm).toFixed(2)} (wall)`);

  // 3. The addon only the realistic image builds.
  const addon = [] as number[];
  for (let i = 0; i < Math.max(3, ROUNDS / 2); i++) addon.push((await once(DEBIAN, "gyp-addon", "1.0.0")).wall);
  line(`gyp-addon@1.0.0 (binding.gyp, node-gyp rebuild with g++) on debian: ${median(addon).toFixed(0)} ms wall (median of ${addon.length})`);

  // 4. Create + plant + remove, read-only image with volumes vs writable rootfs.
  const setup = { ro: [] as number[], rw: [] as number[] };
  for (let i = 0; i < ROUNDS * 2; i++) {
    for (const mode of i % 2 ? (["rw", "ro"] as const) : (["ro", "rw"] as const)) {
      const bait = newBait();
      const runId = newId();
      owners.claim(runId);
      const cfg = containerConfig({ runId, pkg: "x", version: "1.0.0", spec: { ...DEFAULT_SPEC, network: "none" }, image: DEBIAN, npm: { allowAllScripts: true }, bait }) as any;
      if (mode === "rw") Object.assign(cfg.HostConfig, { ReadonlyRootfs: false, Mounts: [], Tmpfs: { "/tmp": TMPFS_TMP } });
      const t0 = performance.now();
      const id = await docker.createContainer(`bench-setup-${newId()}`, cfg);
      if (mode === "rw") await docker.putArchive(id, "/", tar(baitFiles(bait)));
      else for (const p of plantArchives(baitFiles(bait))) await docker.putArchive(id, p.dir, tar(p.entries));
      await docker.remove(id);
      setup[mode].push(performance.now() - t0);
      owners.release(runId);
    }
  }
  line(`create + plant bait + remove (debian, not started), median of ${setup.ro.length}: read-only image + volumes ${median(setup.ro).toFixed(0)} ms, writable rootfs ${median(setup.rw).toFixed(0)} ms`);
} finally {
  await reg.stop();
}
