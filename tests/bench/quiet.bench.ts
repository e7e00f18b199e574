// Claim -> verdict with observe-until-quiet and the import phase (issue 13),
// through the compiled executable (FANGS_BIN: run it once with the build
// before the change and once after to compare): BENCH_ROUNDS scans of each
// fixture on one serve + runner, printing runner claim -> finish, the
// container's own time, and submit -> verdict. Run: bun tests/bench/quiet.bench.ts
import { fangs, fangsBin } from "../lib/env.ts";
import { sandboxWithRegistry, scan, startStack } from "../e2e/lib.ts";

const IMAGE = "fangs-sandbox:bench-quiet";
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
// widget: a postinstall that ends at once; onload: no install script, code at require; lingers: a child alive 5 s after npm.
const FIXTURES: [string, string][] = [["fangs-fixture-widget", "1.0.0"], ["fangs-fixture-onload", "1.0.0"], ["fangs-fixture-lingers", "1.0.0"]];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const reg = await sandboxWithRegistry(IMAGE);
const stack = await startStack({ image: IMAGE });
try {
  console.log(`binary ${fangsBin()} (${fangs(["version"]).stdout.trim()})`);
  for (const [pkg, version] of FIXTURES) {
    const claim: number[] = [], container: number[] = [], verdict: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const t0 = performance.now();
      const run = await scan(stack, reg, pkg, version, { duration: "40s" });
      verdict.push(Math.round(performance.now() - t0));
      claim.push(run.timings?.claim_to_finish_ms ?? NaN);
      container.push(run.timings?.container_ms ?? NaN);
    }
    console.log(`${pkg}@${version}: claim -> finish median ${median(claim)} ms [${claim.join(", ")}]; container median ${median(container)} ms [${container.join(", ")}]; submit -> verdict median ${median(verdict)} ms [${verdict.join(", ")}]`);
  }
} finally {
  await stack.stop();
  await reg.stop();
}
