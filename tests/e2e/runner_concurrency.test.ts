// `fangs runner -concurrency 2`: two scans in the sandbox at once, one sensor.
// Each run gets only its own cgroup's events: the honest release stays clean
// while the compromised one running beside it shows its deviations.
import { expect, test } from "bun:test";
import { api, cliJson, runEvents, scan, useStack } from "./lib.ts";

const IMAGE = "fangs-sandbox:e2e";
const PKG = "fangs-fixture-widget";
const e2e = useStack(IMAGE, { runnerArgs: ["-concurrency", "2"] });

test("two scans at once keep their events apart", async () => {
  const seed = await scan(e2e.stack, e2e.reg, PKG, "1.0.0");
  expect(seed.verdict).toBe("seeded");
  const [clean, bad] = await Promise.all([scan(e2e.stack, e2e.reg, PKG, "1.1.0"), scan(e2e.stack, e2e.reg, PKG, "1.2.0")]);
  // They did overlap: each was claimed before the other finished.
  const c = (await api(e2e.stack.url, "GET", `/v1/runs/${clean.id}`)).run;
  const b = (await api(e2e.stack.url, "GET", `/v1/runs/${bad.id}`)).run;
  expect(c.claimed_at_ms).toBeLessThan(b.finished_at_ms);
  expect(b.claimed_at_ms).toBeLessThan(c.finished_at_ms);

  expect(clean).toMatchObject({ status: "finished", verdict: "clean", deviation_count: 0 });
  expect(bad.verdict).toBe("deviations");
  const devs: any[] = cliJson(e2e.stack, ["deviation", "list", "-run", bad.id]);
  expect(devs.map((d) => d.value)).toContain("/root/.npmrc");

  const ce = await runEvents(e2e.stack, clean.id);
  const be = await runEvents(e2e.stack, bad.id);
  expect(new Set(ce.map((e) => e.cgroup_id)).size).toBe(1);
  expect(new Set(be.map((e) => e.cgroup_id)).size).toBe(1);
  expect(ce[0].cgroup_id).not.toBe(be[0].cgroup_id);
  expect(ce.map((e) => e.seq)).toEqual(ce.map((_, i) => i)); // seq from 0, no gaps
  expect(ce.some((e) => JSON.stringify(e).includes("attacker.example"))).toBe(false);
}, 200_000);
