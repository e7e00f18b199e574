// Sandbox benchmarks on the real kernel and Docker (run: bun tests/bench/sandbox.bench.ts):
//  1. sensor overhead: the >=5,000-file fixture installed with the sensor
//     watching vs. with no sensor loaded, interleaved in one process (target
//     ratio <= 1.10);
//  2. claim -> verdict for a small package through dist/fangs serve + runner;
//  3. parallel scans one host sustains within its memory: the measured peak of
//     one sandbox, the hard bound from the 512 MB limit, and a real parallel batch.
import { readFileSync } from "node:fs";
import { Docker } from "../../src/runner/docker.ts";
import { buildImage } from "../../src/runner/image.ts";
import { runSandbox, type SandboxResult } from "../../src/runner/sandbox/run.ts";
import { EventPump } from "../../src/runner/pump.ts";
import { openSensor } from "../../src/sensor/sensor.ts";
import { DEFAULT_SPEC } from "../../src/protocol/sandbox.ts";
import { newId } from "../../src/core/ids.ts";
import { startFakeRegistry } from "../fixtures/registry/registry.ts";
import { api, scan, startStack } from "../e2e/lib.ts";

const IMAGE = "fangs-sandbox:bench";
// Rounds alternate bare/watched (the order flips every round) so drift hits both alike; on a shared VM
// single installs vary ±40%, so the ratio is read off many pairs.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const docker = new Docker();
await buildImage(docker, IMAGE);
const reg = await startFakeRegistry({ image: IMAGE });
const spec = { ...DEFAULT_SPEC, network: reg.network, registry_url: reg.url, duration_s: 120 };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quiet = () => {};

async function install(pkg: string, version: string, watched: boolean): Promise<{ r: SandboxResult; events: number; dropped: number; peakBytes: number }> {
  let events = 0;
  let dropped = 0;
  let peakBytes = 0;
  const runId = newId();
  const readPeak = () => {
    try { peakBytes = Number(readFileSync(`/sys/fs/cgroup/memory/fangs/${runId}/memory.max_usage_in_bytes`, "utf8")); } catch { /* no v1 memory hierarchy */ }
  };
  if (!watched) {
    const r = await runSandbox({ docker, runId, pkg, version, spec, image: IMAGE, beforeCleanup: readPeak });
    return { r, events, dropped, peakBytes };
  }
  const sensor = openSensor({ log: quiet });
  const pump = new EventPump(sensor);
  pump.start();
  try {
    const r = await runSandbox({
      docker, runId, pkg, version, spec, image: IMAGE,
      watch: (id) => { pump.add(id, (evs) => (events += evs.length)); sensor.watchCgroup(id); },
      beforeCleanup: async (id) => { readPeak(); await pump.drain(); const d = sensor.dropped(id); dropped = d.ringbuf + d.decode; sensor.unwatchCgroup(id); },
    });
    return { r, events, dropped, peakBytes };
  } finally {
    pump.stop();
    sensor.close();
  }
}

try {
  // 1. Sensor overhead, interleaved so drift hits both sides alike.
  await install("fangs-fixture-big", "1.0.0", false); // warm the page cache
  const withS: number[] = [];
  const without: number[] = [];
  let evCount = 0;
  let dropCount = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const first = i % 2 === 0;
    const x = await install("fangs-fixture-big", "1.0.0", !first);
    const y = await install("fangs-fixture-big", "1.0.0", first);
    const [a, b] = first ? [x, y] : [y, x]; // a bare, b watched
    if (a.r.exitCode !== 0 || b.r.exitCode !== 0) throw new Error(`install failed: ${a.r.failureReason ?? b.r.failureReason}\n${a.r.logTail}${b.r.logTail}`);
    without.push(a.r.timings.container_ms);
    withS.push(b.r.timings.container_ms);
    evCount = b.events;
    dropCount += b.dropped;
  }
  const ratio = median(withS) / median(without);
  console.log(`sensor overhead: fangs-fixture-big (5,000 files), ${ROUNDS} rounds, container start->exit`);
  console.log(`  without sensor  median ${median(without)} ms  (${without.join(", ")})`);
  console.log(`  with sensor     median ${median(withS)} ms  (${withS.join(", ")}), ${evCount} events/install, ${dropCount} dropped`);
  const pairs = withS.map((w, i) => w / without[i]!).sort((p, q) => p - q);
  const q = (f: number) => pairs[Math.min(pairs.length - 1, Math.floor(f * pairs.length))]!.toFixed(3);
  console.log(`  ratio of medians ${ratio.toFixed(3)} (target <= 1.03) ${ratio <= 1.03 ? "OK" : "ABOVE TARGET"}; per-pair ratio median ${q(0.5)}, quartiles ${q(0.25)}-${q(0.75)}, range ${q(0)}-${q(1)}`);

  // 2. Claim -> verdict for a small package through the compiled executable.
  const built = Bun.spawnSync(["bun", "run", "build.ts"], { cwd: `${import.meta.dir}/../..` });
  if (built.exitCode !== 0) throw new Error(`build failed: ${built.stderr}`);
  const stack = await startStack({ image: IMAGE });
  try {
    const lat: number[] = [];
    const claimToFinish: number[] = [];
    for (const v of ["1.0.0", "1.1.0", "1.1.0"]) {
      const t0 = performance.now();
      const run = await scan(stack, reg, "fangs-fixture-widget", v);
      lat.push(Math.round(performance.now() - t0));
      claimToFinish.push(run.timings?.claim_to_finish_ms ?? NaN);
    }
    console.log(`submit -> verdict (fangs-fixture-widget, dist/fangs serve + runner): ${lat.join(", ")} ms; runner claim -> finish: ${claimToFinish.join(", ")} ms`);
  } finally {
    await stack.stop();
  }

  // 3. Parallel capacity within memory.
  const one = await install("fangs-fixture-widget", "1.1.0", false);
  const memAvail = Number(/MemAvailable:\s+(\d+)/.exec(readFileSync("/proc/meminfo", "utf8"))![1]) * 1024;
  const limit = DEFAULT_SPEC.memory_mb * 1024 * 1024;
  console.log(`memory: one sandbox peaked at ${(one.peakBytes / 2 ** 20).toFixed(0)} MiB; MemAvailable ${(memAvail / 2 ** 30).toFixed(1)} GiB`);
  console.log(`  parallel scans within memory: ${Math.floor((memAvail * 0.8) / limit)} guaranteed (every sandbox at its 512 MB limit, 80% of available), ~${Math.floor((memAvail * 0.8) / Math.max(one.peakBytes, 1))} at the measured peak`);
  const P = Number(process.env.BENCH_PARALLEL ?? 4);
  const t0 = performance.now();
  const batch = await Promise.all(Array.from({ length: P }, () => install("fangs-fixture-widget", "1.1.0", false)));
  const wall = performance.now() - t0;
  const serial = median(batch.map((b) => b.r.timings.container_ms));
  console.log(`  ${P} installs in parallel: ${Math.round(wall)} ms wall (one alone ~${one.r.timings.container_ms} ms), all exit 0: ${batch.every((b) => b.r.exitCode === 0)}, median per-install ${serial} ms (2 CPUs shared)`);
} finally {
  await reg.stop();
}
