// Real npm packages with install scripts (tests/fixtures/real/packages.ts),
// each release installed twice in the sandbox from the sealed fake registry
// and recorded from the real sensor (tests/bench/first_sight.calibrate.ts
// -record). Offline, no network: first sight seeds every one of them without
// findings (npm's lifecycle shell, platform-binary checks, banners and
// prebuilt-binding loads are how packages install), and a re-run of the same
// release gives no deviation against the first run, either way round.
import { describe, expect, test } from "bun:test";
import { loadRecording } from "../../tests/fixtures/events/load.ts";
import { REAL_PACKAGES, shortName } from "../../tests/fixtures/real/packages.ts";
import { allowChecker, extractFingerprints, findDeviations, fingerprintKey } from "./index.ts";
import { firstSightFindings } from "./first_sight.ts";

const fps = (name: string) => {
  const r = loadRecording(name);
  return extractFingerprints(r.events, { projectDir: r.projectDir });
};
const show = (fs: { severity: string; category: string; actor: string; value: string }[]) => fs.map((f) => `${f.severity} ${f.category} ${f.actor} ${f.value}`);
const cases = REAL_PACKAGES.map((p) => [`${p.name}@${p.version}`, `real-${shortName(p.name)}-${p.version}`, p.name] as const);

describe("real packages with install scripts", () => {
  test.each(cases)("%s: first sight seeds without findings", (_n, file, pkg) => {
    for (const run of [1, 2]) expect(show(firstSightFindings(fps(`${file}-${run}`), allowChecker([], pkg)))).toEqual([]);
  });

  test.each(cases)("%s: a re-run of the release gives no deviation (either run as the baseline)", (_n, file, pkg) => {
    const [a, b] = [fps(`${file}-1`), fps(`${file}-2`)];
    const base = (x: typeof a) => new Set(x.map(fingerprintKey));
    expect(show(findDeviations(b, base(a), allowChecker([], pkg)))).toEqual([]);
    expect(show(findDeviations(a, base(b), allowChecker([], pkg)))).toEqual([]);
  });

  test.each(cases)("%s: the recording is the install with its script (npm and the script's actors present)", (_n, file) => {
    const actors = new Set(fps(`${file}-1`).map((f) => f.actor));
    expect(actors.has("npm")).toBe(true);
    expect([...actors].some((a) => a.startsWith("script:"))).toBe(true);
  });
});
