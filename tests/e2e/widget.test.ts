// The whole product on the real kernel and Docker: fake registry (sealed),
// `dist/fangs serve`, `dist/fangs runner`, scans of the widget fixture's
// releases. Honest releases seed and auto-promote; the compromised release
// shows every stolen-credential / shell / downloader / network move as a
// deviation with its evidence event; a second honest run is clean; host
// processes produce no events; the OOM fixture is reported as 137.
import { describe, expect, test } from "bun:test";
import { api, cliJson, type RunJson, scan, useStack } from "./lib.ts";

const IMAGE = "fangs-sandbox:e2e";
const PKG = "fangs-fixture-widget";
const runs: Record<string, RunJson> = {};
const e2e = useStack(IMAGE, { afterStop: (stack) => expect(stack.runner.err()).toContain("deregistered") });

describe("widget releases through the whole e2e.stack", () => {
  test("the first clean release seeds the baseline, the second is auto-promoted", async () => {
    runs.v100 = await scan(e2e.stack, e2e.reg, PKG, "1.0.0");
    // On a surprise, the deviations say why (first-sight findings of an honest release).
    if (runs.v100.verdict !== "seeded") console.error("v100 deviations:", JSON.stringify(cliJson(e2e.stack, ["deviation", "list", "-run", runs.v100.id])));
    expect(runs.v100).toMatchObject({ status: "finished", exit_code: 0, verdict: "seeded", deviation_count: 0, is_baseline: true, events_dropped: 0 });
    expect(runs.v100.events_count).toBeGreaterThan(100);
    runs.v110 = await scan(e2e.stack, e2e.reg, PKG, "1.1.0");
    expect(runs.v110).toMatchObject({ status: "finished", exit_code: 0, verdict: "clean", deviation_count: 0, is_baseline: true });
  }, 200_000);

  const expected: { category: string; value: string; severity: string; kind: string }[] = [
    { category: "fs_new_path_read", value: "/root/.npmrc", severity: "critical", kind: "file" },
    // the binary the kernel ran (Debian's dash) as the name it was run as (/bin/sh, a symlink to it)
    { category: "proc_new_exec", value: "/usr/bin/dash as /bin/sh", severity: "high", kind: "exec" },
    { category: "proc_new_exec", value: "/usr/bin/curl", severity: "high", kind: "exec" },
    { category: "net_new_destination", value: "203.0.113.10:443", severity: "high", kind: "connect" },
    { category: "net_new_dns_name", value: "exfil.attacker.example", severity: "medium", kind: "dns" },
    { category: "net_new_https_host", value: "c2.attacker.example", severity: "medium", kind: "tls" },
  ];

  test("the compromised release gives each expected deviation, with its evidence event", async () => {
    runs.v120 = await scan(e2e.stack, e2e.reg, PKG, "1.2.0");
    expect(runs.v120).toMatchObject({ status: "finished", exit_code: 0, verdict: "deviations", is_baseline: false });
    const devs: any[] = cliJson(e2e.stack, ["deviation", "list", "-run", runs.v120.id]);
    for (const want of expected) {
      const hit = devs.find((d) => d.category === want.category && d.value === want.value);
      if (!hit) console.error("deviations:", devs.map((d) => `${d.category} ${d.value}`).join(" | "));
      expect(hit ? { category: hit.category, value: hit.value, severity: hit.severity } : `missing ${want.category} ${want.value}`).toEqual({ category: want.category, value: want.value, severity: want.severity });
      expect(hit.actor).toContain("script"); // the postinstall, not npm itself
      const shown = cliJson(e2e.stack, ["deviation", "show", hit.id]);
      expect(shown.evidence).toBeTruthy();
      expect(shown.evidence_pinned).toBe(true);
      expect(JSON.stringify(shown.evidence)).toContain(want.kind === "file" ? ".npmrc" : want.value.split(/:| as /)[0]);
    }
    const pending: any = cliJson(e2e.stack, ["pending"]);
    expect(JSON.stringify(pending)).toContain(runs.v120.id);
  }, 200_000);

  test("a second honest run of a clean release gives zero deviations, and host processes leave no events", async () => {
    const marker = `fangs-host-marker-${crypto.randomUUID().slice(0, 8)}`;
    // Busy host activity (exec + open with a marker) all through the run.
    let stop = false;
    const noise = (async () => {
      while (!stop) {
        Bun.spawnSync(["/bin/sh", "-c", `cat /etc/hostname /tmp/${marker} >/dev/null 2>&1; true ${marker}`]);
        await Bun.sleep(20);
      }
    })();
    try {
      runs.again = await scan(e2e.stack, e2e.reg, PKG, "1.1.0");
    } finally {
      stop = true;
      await noise;
    }
    // name the deviations when there are any, so a failure says which
    const devs: any[] = runs.again.deviation_count ? cliJson(e2e.stack, ["deviation", "list", "-run", runs.again.id]) : [];
    expect(devs.map((d) => `${d.category} ${d.actor} ${d.value}`)).toEqual([]);
    expect(runs.again).toMatchObject({ status: "finished", exit_code: 0, deviation_count: 0, verdict: "clean" });
    const all: string[] = [];
    for (let after: number | null = -1; after !== null; ) {
      const page: any = await api(e2e.stack.url, "GET", `/v1/runs/${runs.again.id}/events?limit=5000${after >= 0 ? `&after=${after}` : ""}`);
      all.push(...page.events.map((e: any) => JSON.stringify(e.event)));
      after = page.next_after;
    }
    expect(all.length).toBe(runs.again.events_count);
    expect(all.filter((e) => e.includes(marker))).toEqual([]);
    // Watched before the first exec: the container's own `npm install` exec is there.
    const execs = all.map((e) => JSON.parse(e)).filter((e) => e.kind === "exec");
    // (npm is a script: the kernel runs its interpreter, so npm is what was asked for)
    expect(execs.some((e) => /(^|\/)npm$/.test(e.requested ?? e.filename) && e.argv.includes("install"))).toBe(true);
    // Every event belongs to the run's one watched cgroup.
    expect(new Set(all.map((e) => JSON.parse(e).cgroup_id)).size).toBe(1);
  }, 200_000);

  test("the OOM fixture is reported as exit 137", async () => {
    const r = await scan(e2e.stack, e2e.reg, "fangs-fixture-oom", "1.0.0");
    expect(r.exit_code).toBe(137);
    expect(r.failure_reason ?? "").toContain("OOM");
  }, 200_000);

  test("a run that reaches the duration limit is timed_out", async () => {
    const r = await scan(e2e.stack, e2e.reg, "fangs-fixture-sleepy", "1.0.0", { duration: "3s" });
    expect(r.status).toBe("timed_out");
  }, 200_000);
});
