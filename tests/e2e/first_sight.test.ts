// First sight end to end: a package whose FIRST release FANGS sees is already
// a stealer that read this repo (no shell, no curl; the token base64-encoded
// into DNS labels; a stage two dropped under a cache-like name in /tmp). The
// run plants its own bait, the runner reports it with the finish, and the
// seed is held in pending as seeded_with_findings until an operator promotes it.
import { describe, expect, test } from "bun:test";
import { fangs } from "../lib/env.ts";
import { cliJson, scan, useStack } from "./lib.ts";

const IMAGE = "fangs-sandbox:e2e";
const e2e = useStack(IMAGE);

describe("a malicious first release", () => {
  test("is held as seeded_with_findings: bait exfiltration and the dropped stage two, by their real names", async () => {
    const run = await scan(e2e.stack, e2e.reg, "fangs-fixture-stealer", "1.0.0");
    expect(run).toMatchObject({ status: "finished", exit_code: 0, verdict: "seeded_with_findings", is_baseline: false, max_severity: "critical" });
    const devs: any[] = cliJson(e2e.stack, ["deviation", "list", "-run", run.id]);
    const bait = devs.find((d) => d.category === "bait_exfiltration");
    expect(bait ? { severity: bait.severity, how: /base64 in dns: .*\.t\.exfil\.example$/.test(bait.value) } : "no bait_exfiltration deviation").toEqual({ severity: "critical", how: true });
    expect(bait.actor).toBe("script:fangs-fixture-stealer:node");
    expect(devs.find((d) => d.category === "proc_exec_written")).toMatchObject({ severity: "critical", value: "/tmp/.cache-x8Kd9a" });
    expect(devs.find((d) => d.value === "/root/.npmrc")).toMatchObject({ severity: "critical" });
    expect(devs.every((d) => d.reason.startsWith("first sight: "))).toBe(true);
    const shown = cliJson(e2e.stack, ["deviation", "show", bait.id]);
    expect(shown.evidence.kind).toBe("dns");
    expect(shown.evidence_pinned).toBe(true);
    // Held in pending, with the command that would trust it.
    const pending: any[] = cliJson(e2e.stack, ["pending"]);
    expect(pending.find((p) => p.run_id === run.id)).toMatchObject({ max_severity: "critical" });

    // The operator promotes the held seed: trusted, out of pending.
    const p = fangs(["baseline", "promote", run.id.slice(0, 12), "-db", e2e.stack.db], { cwd: e2e.stack.dir });
    expect(p.code).toBe(0);
    expect(cliJson(e2e.stack, ["run", "show", run.id.slice(0, 12)])).toMatchObject({ is_baseline: true });
    expect((cliJson(e2e.stack, ["pending"]) as any[]).some((x) => x.run_id === run.id)).toBe(false);
  }, 200_000);

  test("the runner learned the image's runtime baseline before its first scan, and the orchestrator shows it", () => {
    expect(e2e.stack.runner.err()).toMatch(/learned the runtime of image .*: \d+ fingerprints/);
    const rows: any[] = cliJson(e2e.stack, ["baseline", "list", "-runtime"]);
    expect(rows.length).toBeGreaterThan(5);
    expect(new Set(rows.map((r) => r.image_id)).size).toBe(1);
    expect(rows.every((r) => r.actor.startsWith("script:*:") || (r.actor.startsWith("import:") && r.phase === "import"))).toBe(true);
    // The control is loaded in the import phase too: node's own start-up there is learned.
    expect(rows.some((r) => r.actor === "import:node" && r.value === "/proc/<pid>/maps")).toBe(true);
    expect(rows.some((r) => r.actor === "script:*:node" && r.value === "/proc/<pid>/maps")).toBe(true);
    // Nothing the stealer did is part of it.
    expect(rows.some((r) => /npmrc|cache-x8Kd9a|exfil/.test(r.value))).toBe(false);
  });
});
