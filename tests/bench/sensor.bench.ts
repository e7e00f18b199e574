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

const ROUNDS = Number(process.env.FANGS_BENCH_ROUNDS ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One watched flood: sensor loaded with the default ring, polled every 10 ms. */
async function watchedRound() {
  const sensor = openSensor({ log: () => {} });
  const cg = makeCgroup("bench");
  try {
    sensor.watchCgroup(cg.id);
    const t0 = performance.now();
    const run = await flood(cg.path);
    let delivered = 0;
    let lastEventAt = t0;
    let done = false;
    run.proc.exited.then(() => (done = true));
    for (;;) {
      const exited = done; // read before polling so the last poll follows the exit
      const evs = sensor.poll();
      if (evs.length) {
        delivered += evs.length;
        lastEventAt = performance.now();
      }
      if (exited && evs.length === 0) break;
      if (!exited) await Bun.sleep(POLL_MS);
    }
    const ns = await run.elapsedNs;
    const c = sensor.counters(cg.id);
    sensor.unwatchCgroup(cg.id);
    return { ns, delivered, eventsPerSec: delivered / ((lastEventAt - t0) / 1000), c };
  } finally {
    sensor.close();
    cg.remove();
  }
}

// Alternate unwatched (no sensor loaded) and watched rounds so a noisy,
// shared machine hits both alike; report medians.
const bare: number[] = [], watched: Awaited<ReturnType<typeof watchedRound>>[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const b = await flood();
  await b.proc.exited;
  bare.push(await b.elapsedNs);
  watched.push(await watchedRound());
}
const bareRate = N / (median(bare) / 1e9);
const watchedRate = N / (median(watched.map((w) => w.ns)) / 1e9);
const drops = watched.reduce((n, w) => n + w.c.ringbuf, 0);
const w0 = watched[0];
console.log(`sensor bench: ${N} opens by a watched process, ${ROUNDS} rounds (medians)`);
console.log(`  delivered to TS:        ${Math.round(median(watched.map((w) => w.eventsPerSec))).toLocaleString("en-US")} events/s decoded (${w0.delivered} events per round; kernel submitted ${w0.c.events})`);
console.log(`  dropped (64 MiB ring):  ${drops} over all rounds   read failures: ${watched.reduce((n, w) => n + w.c.read_failures, 0)}   decode errors: ${watched.reduce((n, w) => n + w.c.decode, 0)}`);
console.log(`  process open rate:      ${Math.round(bareRate).toLocaleString("en-US")} opens/s unwatched, ${Math.round(watchedRate).toLocaleString("en-US")} opens/s watched`);
console.log(`  slowdown:               ${(bareRate / watchedRate).toFixed(2)}x (${((1 - watchedRate / bareRate) * 100).toFixed(1)}% fewer opens/s)`);
if (drops !== 0) {
  console.error("FAIL: drops at the default ring size");
  process.exit(1);
}
