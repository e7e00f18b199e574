// `import-phase: false` in the orchestrator's config: every scan is
// install-only (the manual's behaviour), and the run's stored spec says so.
// Default: the spec a runner claims has import_phase true.
import { afterAll, describe, expect, test } from "bun:test";
import { api, ScriptedRunner, startServe, type Serve } from "./lib.ts";

describe("import-phase config", () => {
  const serves: Serve[] = [];
  afterAll(async () => {
    for (const s of serves) expect(await s.stop()).toBe(0);
  });

  test.each([[[], true], [["-import-phase=false"], false]] as const)("serve %p: the claimed spec and the stored run say import_phase %p", async (args, want) => {
    const s = await startServe({ args: [...args] });
    serves.push(s);
    const q = await api(s.url, "POST", "/v1/scans", { package: "demo-pkg", version: "1.0.0" });
    expect(q.status).toBe(201);
    const r = new ScriptedRunner(s.url, "runner-ip");
    expect((await r.register()).status).toBe(200);
    const claim = await r.claim(2);
    expect(claim.json.run.spec.import_phase).toBe(want);
    expect((await api(s.url, "GET", `/v1/runs/${q.json.run_id}`)).json.run.spec.import_phase).toBe(want);
  });
});
