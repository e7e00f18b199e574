// Sensor throughput, run with `bun run tests/bench/sensor.bench.ts` (root).
// A watched process does 200,000 opens; we report events/s delivered through
// the shim into TypeScript (decoded), drops at the default 64 MiB ring (must be
// 0), and the process's own open rate with the sensor attached vs not, both
// measured in this one run.
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { openSensor } from "../../src/sensor/sensor.ts";
import { tempDir } from "../lib/env.ts";
import { makeCgroup, workload } from "../kernel/helpers.ts";

const N = Number(process.env.FANGS_BENCH_OPENS ?? 200_000);
const POLL_MS = 10;
const wl = workload();
const target = join(tempDir("fangs-bench-"), "target");
writeFileSync(target, "x");

/** Start the flood (inside cgroup when given) and return its elapsed open-loop time. */
async function flood(cgroup?: string): Promise<{ proc: ReturnType<typeof Bun.spawn>; elapsedNs: Promise<number> }> {
  const script = `${cgroup ? `echo $$ > ${cgroup}/cgroup.procs || exit 91; ` : ""}exec "$@"`;
  const proc = Bun.spawn(["sh", "-c", script, "sh", wl, "flood", target, String(N)], { stdout: "pipe", stderr: "inherit" });
  const elapsedNs = new Response(proc.stdout).text().then((t) => {
    const m = /elapsed_ns (\d+)/.exec(t);
    if (!m) throw new Error(`flood printed no timing: ${t}`);
    return Number(m[1]);
  });
  return { proc, elapsedNs };
}

// 1. unwatched: the process alone (sensor not loaded at all)
const bare = await flood();
await bare.proc.exited;
const bareNs = await bare.elapsedNs;

// 2. watched: sensor loaded with the default ring, polled every 10 ms
const sensor = openSensor({ log: () => {} });
const cg = makeCgroup("bench");
sensor.watchCgroup(cg.id);
const t0 = performance.now();
const watched = await flood(cg.path);
let delivered = 0;
let lastEventAt = t0;
let done = false;
watched.proc.exited.then(() => (done = true));
while (!done || delivered < 1) {
  const evs = sensor.poll();
  if (evs.length) {
    delivered += evs.length;
    lastEventAt = performance.now();
  }
  if (done) break;
  await Bun.sleep(POLL_MS);
}
for (let evs = sensor.poll(); evs.length; evs = sensor.poll()) {
  delivered += evs.length;
  lastEventAt = performance.now();
}
const watchedNs = await watched.elapsedNs;
const c = sensor.counters(cg.id);
sensor.unwatchCgroup(cg.id);
sensor.close();
cg.remove();

const secs = (lastEventAt - t0) / 1000;
const bareRate = N / (bareNs / 1e9);
const watchedRate = N / (watchedNs / 1e9);
console.log(`sensor bench: ${N} opens by a watched process`);
console.log(`  delivered to TS:        ${delivered} events in ${secs.toFixed(3)} s = ${Math.round(delivered / secs).toLocaleString("en-US")} events/s (decoded)`);
console.log(`  kernel submitted:       ${c.events}`);
console.log(`  dropped (64 MiB ring):  ${c.ringbuf}   read failures: ${c.read_failures}   decode errors: ${c.decode}`);
console.log(`  process open rate:      ${Math.round(bareRate).toLocaleString("en-US")} opens/s unwatched, ${Math.round(watchedRate).toLocaleString("en-US")} opens/s watched`);
console.log(`  slowdown:               ${(watchedNs / bareNs).toFixed(2)}x (${((1 - watchedRate / bareRate) * 100).toFixed(1)}% fewer opens/s)`);
if (c.ringbuf !== 0) {
  console.error("FAIL: drops at the default ring size");
  process.exit(1);
}
