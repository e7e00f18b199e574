// Verdicts say what the evidence supports (issue 10), on the real stack: a
// release npm cannot install and a sensor whose ring buffer overflows both
// end "incomplete" with their reasons — never "seeded" or "clean", never on
// the baseline, and waiting in `fangs pending` with a re-scan command.
import { describe, expect, test } from "bun:test";
import { fangs } from "../lib/env.ts";
import { api, cliJson, scan, startStack } from "../e2e/lib.ts";
import { IMAGE, useStack } from "./lib.ts";

const PKG = "fangs-fixture-widget";
const ctx = useStack();

describe("a failed install on a package's first run", () => {
  test("is incomplete with npm's error, seeds nothing, waits in pending; the next good run seeds", async () => {
    const t0 = Date.now();
    const bad = await scan(ctx.stack, ctx.reg, PKG, "9.9.9");
    console.log(`faults: failed install -> ${bad.status}/${bad.verdict} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    expect(bad).toMatchObject({ status: "finished", exit_code: 1, verdict: "incomplete", is_baseline: false });
    // npm's own words, not a bare "exit 1".
    expect(bad.failure_reason).toStartWith("npm install exited 1: ");
    expect(bad.failure_reason).toContain("9.9.9");
    expect(bad.failure_reason).toMatch(/E404|No match found|ETARGET|notarget/);
    const ev = (bad as any).evidence;
    expect(ev.complete).toBe(false);
    expect(ev.issues).toContain("npm install exited 1");

    expect(cliJson(ctx.stack, ["baseline", "list", "-package", PKG])).toEqual([]);
    const pending: any[] = cliJson(ctx.stack, ["pending"]);
    const row = pending.find((r) => r.run_id === bad.id);
    expect(row).toMatchObject({ incomplete: true, rescan_command: `fangs scan submit -package ${PKG} -version 9.9.9` });

    const table = fangs(["pending", "-db", ctx.stack.db]);
    expect(table.stdout).toContain("medium (incomplete)");
    expect(table.stdout).toContain(`${bad.id.slice(0, 12)} ${PKG}@9.9.9: evidence incomplete: npm install exited 1`);
    expect(table.stdout).toContain(`re-scan with: fangs scan submit -package ${PKG} -version 9.9.9`);

    const shown = fangs(["run", "show", bad.id, "-db", ctx.stack.db]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain("evidence incomplete");
    expect(shown.stdout).toContain("npm install exited 1");
    expect(shown.stdout).toContain(`re-scan with: fangs scan submit -package ${PKG} -version 9.9.9`);
    expect(shown.stdout).not.toMatch(/[\u0000-\u0008\u001b]/);

    const page = await (await fetch(`${ctx.stack.url}/ui/runs/${bad.id}`)).text();
    expect(page).toContain("evidence-incomplete");
    expect(page).toContain("npm install exited 1");

    const good = await scan(ctx.stack, ctx.reg, PKG, "1.0.0");
    expect(good).toMatchObject({ status: "finished", exit_code: 0, verdict: "seeded", is_baseline: true });
    expect((good as any).evidence).toMatchObject({ complete: true, issues: [] });
    expect((good as any).evidence.losses).toEqual({ ringbuf: 0, read: 0, decode: 0, unrouted: 0, unacked: 0 });
    // A complete run of another release does not clear the failed one (a re-scan of 9.9.9 would).
    expect((cliJson(ctx.stack, ["pending"]) as any[]).some((r) => r.run_id === bad.id)).toBe(true);

    const metrics = await (await fetch(`${ctx.stack.url}/metrics`)).text();
    expect(metrics).toMatch(/fangs_runs_by_verdict\{verdict="incomplete"\} 1/);
    expect(metrics).toContain('fangs_evidence_lost_events{kind="ringbuf"}');
  }, 240_000);
});

describe("a sensor whose ring buffer overflows", () => {
  test("gives incomplete with the kernel drops counted, never clean or seeded", async () => {
    const tiny = await startStack({ image: IMAGE, runnerArgs: ["-ring-bytes", "4096"] });
    try {
      const r = await scan(tiny, ctx.reg, PKG, "1.0.0");
      const ev = (r as any).evidence;
      console.log(`faults: ring overflow -> ${r.verdict}, ring drops ${ev.losses.ringbuf}, stored ${r.events_count}`);
      expect(r.verdict).toBe("incomplete");
      expect(r.is_baseline).toBe(false);
      expect(ev.losses.ringbuf).toBeGreaterThan(0);
      expect(ev.issues.join("\n")).toContain("dropped in the kernel ring buffer");
      expect(r.events_dropped).toBeGreaterThanOrEqual(ev.losses.ringbuf);
      expect(cliJson(tiny, ["baseline", "list", "-package", PKG])).toEqual([]);
      const { run } = await api(tiny.url, "GET", `/v1/runs/${r.id}`);
      expect(run.evidence.losses.ringbuf).toBe(ev.losses.ringbuf);
    } finally {
      await tiny.stop();
    }
  }, 240_000);
});

describe("an attacker who floods the ring buffer to hide a credential read (default ring)", () => {
  test("is never clean: the read is a deviation, or the drops make the verdict incomplete", async () => {
    const honest = await scan(ctx.stack, ctx.reg, "fangs-fixture-flood", "1.0.0");
    expect(honest.verdict).toBe("seeded");
    const t0 = Date.now();
    const r = await scan(ctx.stack, ctx.reg, "fangs-fixture-flood", "1.1.0", {}, 180_000);
    const ev = (r as any).evidence;
    const devs: any[] = (await api(ctx.stack.url, "GET", `/v1/runs/${r.id}/deviations`)).deviations;
    const npmrc = devs.find((d) => d.value === "/root/.npmrc");
    console.log(`faults: ring flood: verdict ${r.verdict}, ${r.events_count} events stored of ${ev.events_emitted} emitted, ring drops ${ev.losses.ringbuf}, credential read ${npmrc ? `seen (${npmrc.severity})` : "not seen"}, ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    expect(r.verdict).not.toBe("clean");
    expect(r.verdict).not.toBe("seeded");
    expect(r.is_baseline).toBe(false);
    if (ev.losses.ringbuf === 0) expect(npmrc?.severity).toBe("critical");
    else expect(r.verdict).toBe("incomplete");
  }, 240_000);
});
