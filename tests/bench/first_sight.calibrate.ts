// First-sight calibration on REAL packages with install scripts
// (tests/fixtures/real/packages.ts, fetched by tests/fixtures/real/fetch.ts):
// each release is scanned twice through the compiled executable (`fangs serve`
// + `fangs runner`, real Docker, real eBPF sensor) from the sealed fake
// registry — the first run is first sight, the second a re-run of the same
// release that must be clean (run-to-run normalization); `-runs N` scans
// each release N times (N-1 re-runs). Prints one row per package; `-record`
// also writes each run's events as golden fixtures
// (tests/fixtures/events/real-<pkg>-<ver>-<n>.json.gz) for the offline test.
//   bun run build.ts && bun tests/fixtures/real/fetch.ts
//   FANGS_BIN=$PWD/dist/fangs bun tests/bench/first_sight.calibrate.ts [-record] [-runs N] [name ...]
import { gzipSync } from "node:zlib";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fangs } from "../lib/env.ts";
import { startFakeRegistry } from "../fixtures/registry/registry.ts";
import { CACHE_DIR, REAL_PACKAGES, shortName } from "../fixtures/real/packages.ts";
import { cliJson, runEventRecords, scan, startStack, type RunJson, type Stack } from "../e2e/lib.ts";

// FANGS_CALIBRATE_IMAGE: another tag, e.g. on a host where other suites rebuild fangs-sandbox:e2e meanwhile.
const IMAGE = process.env.FANGS_CALIBRATE_IMAGE ?? "fangs-sandbox:e2e";
const EVENTS_DIR = join(import.meta.dir, "../fixtures/events");

interface Dev { category: string; value: string; severity: string; actor: string }

/** A run's events with their stored seq, as the golden fixtures keep them. */
async function events(stack: Stack, runId: string): Promise<unknown[]> {
  return (await runEventRecords(stack, runId)).map((e) => ({ ...e.event, seq: e.seq }));
}

const fmt = (d: Dev) => `${d.severity} ${d.category} ${d.value}`;

if (import.meta.main) {
  const args = process.argv.slice(2);
  const record = args.includes("-record");
  const ri = args.indexOf("-runs");
  const runsPer = ri >= 0 ? Number(args[ri + 1]) : 2;
  if (!Number.isInteger(runsPer) || runsPer < 2 || runsPer > 20) throw new Error("-runs: a whole number from 2 to 20");
  const only = args.filter((a, i) => a !== "-record" && a !== "-runs" && i !== ri + 1);
  const pkgs = REAL_PACKAGES.filter((p) => !only.length || only.includes(p.name));
  if (!existsSync(CACHE_DIR)) throw new Error(`${CACHE_DIR} missing: run bun tests/fixtures/real/fetch.ts first`);
  const b = fangs(["sandbox", "build-image", "-image", IMAGE, "--json"]);
  if (b.code !== 0) throw new Error(`fangs sandbox build-image failed: ${b.stderr}`);
  const reg = await startFakeRegistry({ image: IMAGE, real: CACHE_DIR });
  const stack = await startStack({ image: IMAGE });
  const rows: string[] = [];
  let held = 0, noisy = 0, reruns = 0;
  try {
    for (const p of pkgs) {
      const runs: RunJson[] = [];
      const devs: Dev[][] = [];
      for (let n = 1; n <= runsPer; n++) {
        const t0 = performance.now();
        const run = await scan(stack, reg, p.name, p.version, { duration: "90s" }, 180_000);
        runs.push(run);
        devs.push(cliJson(stack, ["deviation", "list", "-run", run.id]) as Dev[]);
        const evs = await events(stack, run.id);
        console.error(`${p.name}@${p.version} run ${n}: ${run.status} exit ${run.exit_code} ${run.verdict} (${devs.at(-1)!.length} deviations, ${evs.length} events, dropped ${run.events_dropped}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
        // With the run's project directory (chosen per run), which the differ needs to read the paths.
        if (record) writeFileSync(join(EVENTS_DIR, `real-${shortName(p.name)}-${p.version}-${n}.json.gz`), gzipSync(JSON.stringify({ project_dir: (run as RunJson & { project_dir?: string }).project_dir, events: evs })));
      }
      if (runs[0].verdict === "seeded_with_findings") held++;
      const later = devs.slice(1);
      reruns += later.length;
      noisy += later.filter((d) => d.length).length;
      const noise = [...new Set(later.flat().map(fmt))];
      rows.push(`| ${p.name} | ${p.version} | ${runs[0].status} exit ${runs[0].exit_code} | ${runs[0].verdict} | ${devs[0].map(fmt).join("; ") || "—"} | ${runs.slice(1).map((r) => r.verdict).join(", ")} | ${later.map((d) => d.length).join(", ")}${noise.length ? ": " + noise.join("; ") : ""} |`);
    }
  } finally {
    await stack.stop();
    await reg.stop();
  }
  console.log("| package | version | install | first sight | findings | re-run | re-run deviations |");
  console.log("|---|---|---|---|---|---|---|");
  for (const r of rows) console.log(r);
  console.log(`\n${held} of ${pkgs.length} held on first sight; ${noisy} of ${reruns} re-runs with deviations`);
}
