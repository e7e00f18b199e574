// Manifest in, release diff and join out, in-process over the real app and
// SQLite, with the golden manifests a real `npm install --ignore-scripts`
// produced (tests/manifest/collector.test.ts keeps them equal).
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { useTestApp } from "./testing.ts";
import type { FangsEvent } from "../events/types.ts";
import { ev, installEvents } from "../../tests/manifest/events.ts";
import { runMessage } from "../notify/dispatch.ts";
import { getRun } from "../store/runs.ts";

const golden = (k: string) => JSON.parse(readFileSync(join(import.meta.dir, "../../tests/fixtures/manifests", `${k}.json`), "utf8"));

const t = useTestApp("rd-runner");

const H = { "content-type": "application/json", "X-Fangs-Runner": "rd-runner" };
const call = async (method: string, path: string, body?: unknown) => {
  const r = await t.app.request(path, { method, headers: H, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, json: (await r.json()) as any };
};

const install = installEvents;

async function scan(pkg: string, version: string, events: FangsEvent[], manifest: unknown) {
  const id = (await call("POST", "/v1/scans", { package: pkg, version })).json.run_id as string;
  expect((await call("POST", "/v1/runners/rd-runner/claim?wait=0", {})).json.run.id).toBe(id);
  await call("POST", `/v1/runs/${id}/events`, { batch_seq: 0, events });
  const m = await call("POST", `/v1/runs/${id}/manifest`, manifest);
  expect(m.status).toBe(200);
  const f = await call("POST", `/v1/runs/${id}/finish`, { status: "finished", exit_code: 0, events_sent: events.length, events_dropped: 0, events_emitted: events.length });
  return { id, verdict: f.json.verdict as string };
}

describe("release diff through the API", () => {
  test("(b) a new dependency's postinstall: the diff flags it and the join names it as the cause", async () => {
    expect((await call("POST", "/v1/runners/register", { hostname: "rd-runner" })).status).toBe(200);
    const first = await scan("fangs-fixture-reldep", "1.0.0", install("fangs-fixture-reldep", [{ pkg: "fangs-fixture-reldep", command: "node build.js", file: "build.js" }]), golden("fangs-fixture-reldep@1.0.0"));
    expect(first.verdict).toBe("seeded");
    const before = await call("GET", `/v1/runs/${first.id}/diff`);
    expect(before.json).toMatchObject({ state: "diffed", diff: { base: null } });
    const second = await scan("fangs-fixture-reldep", "1.1.0", install("fangs-fixture-reldep", [
      { pkg: "fangs-fixture-reldep-helper", command: "node setup.js", file: "setup.js", steal: true },
      { pkg: "fangs-fixture-reldep", command: "node build.js", file: "build.js" },
    ]), golden("fangs-fixture-reldep@1.1.0"));
    expect(second.verdict).toBe("deviations");
    const r = await call("GET", `/v1/runs/${second.id}/diff`);
    expect(r.status).toBe(200);
    expect(r.json.state).toBe("diffed");
    expect(r.json.diff.base).toEqual({ run_id: first.id, version: "1.0.0" });
    expect(r.json.diff.deps).toEqual([expect.objectContaining({ name: "fangs-fixture-reldep-helper", change: "added", install_scripts: true })]);
    expect(r.json.summary).toBe("since fangs-fixture-reldep@1.0.0: 1 new dependency (1 with install scripts: fangs-fixture-reldep-helper@1.0.0); 1 file(s) changed");
    const cause = r.json.diff.join.find((j: any) => j.package === "fangs-fixture-reldep-helper");
    // Worst first: the credential read and the connect lead; the new script's own exec and file read follow.
    expect(cause.line).toStartWith("new dependency fangs-fixture-reldep-helper@1.0.0 (postinstall `node setup.js`, new in this release) → read /root/.aws/credentials, connected 192.0.2.77:443");
    expect(r.json.diff_us ?? r.json.diff.diff_us).toBeGreaterThan(0);
    // Pruned: the unchanged scanned package keeps its files; nothing else was unchanged here.
    expect(r.json.manifest).toMatchObject({ packages: 2, install_script_packages: 2, method: "script-free-install" });
    const page = await (await t.app.request(`/ui/runs/${second.id}`)).text();
    expect(page).toMatch(/<td class="mono"[^>]*>fangs-fixture-reldep-helper<\/td><td>added<\/td>.*<span class="tag install-script"[^>]*>install script<\/span>/s);
    // The notifiers' line: the summary and the cause.
    const msg = await runMessage(t.db, (await getRun(t.db, second.id))!, { baseUrl: "http://127.0.0.1:1" });
    expect(msg.release_diff).toStartWith("What changed: since fangs-fixture-reldep@1.0.0: 1 new dependency (1 with install scripts: fangs-fixture-reldep-helper@1.0.0); 1 file(s) changed. Cause: new dependency fangs-fixture-reldep-helper@1.0.0 (postinstall `node setup.js`, new in this release) → read /root/.aws/credentials");
  });

  test("(a) the changed postinstall is named with its step", async () => {
    const a = await scan("fangs-fixture-relscript", "1.0.0", install("fangs-fixture-relscript", [{ pkg: "fangs-fixture-relscript", command: "node setup.js", file: "setup.js" }]), golden("fangs-fixture-relscript@1.0.0"));
    expect(a.verdict).toBe("seeded");
    const cmd = "node setup.js --tag '<img src=x onerror=alert(1)>'";
    const b = await scan("fangs-fixture-relscript", "1.1.0", install("fangs-fixture-relscript", [{ pkg: "fangs-fixture-relscript", command: cmd, file: "setup.js", steal: true }]), golden("fangs-fixture-relscript@1.1.0"));
    const r = await call("GET", `/v1/runs/${b.id}/diff`);
    expect(r.json.summary).toBe("since fangs-fixture-relscript@1.0.0: 1 own lifecycle script(s) postinstall changed; 2 file(s) changed");
    const line = r.json.diff.join.find((j: any) => j.package === "fangs-fixture-relscript").line;
    expect(line).toBe(`the scanned package fangs-fixture-relscript@1.1.0 (postinstall \`${cmd}\`, changed in this release) → read /root/.aws/credentials, connected 192.0.2.77:443`);
    // The run page: the section, the script diff, the cause; the hostile script text inert.
    const page = await (await t.app.request(`/ui/runs/${b.id}`)).text();
    expect(page).toContain('<section id="what-changed">');
    expect(page).toContain("changed in this release) → read /root/.aws/credentials");
    expect(page).toContain("+node setup.js --tag &#39;&lt;img src=x onerror=alert(1)&gt;&#39;");
    expect(page).not.toContain("<img src=x");
  });

  test("the edge: a manifest for another package, a malformed one, one after the finish, and an unknown run", async () => {
    const id = (await call("POST", "/v1/scans", { package: "fangs-fixture-reldocs", version: "1.1.0" })).json.run_id as string;
    await call("POST", "/v1/runners/rd-runner/claim?wait=0", {});
    expect((await call("POST", `/v1/runs/${id}/manifest`, golden("fangs-fixture-reldep@1.1.0"))).status).toBe(400);
    const bad = await call("POST", `/v1/runs/${id}/manifest`, { ...golden("fangs-fixture-reldocs@1.1.0"), packages: [{ path: "x" }] });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/^invalid body: packages\.0\./);
    expect((await call("GET", `/v1/runs/${id}/diff`)).json).toMatchObject({ state: "no_manifest", diff: null });
    await call("POST", `/v1/runs/${id}/finish`, { status: "finished", exit_code: 0, events_sent: 0, events_dropped: 0 });
    expect((await call("POST", `/v1/runs/${id}/manifest`, golden("fangs-fixture-reldocs@1.1.0"))).status).toBe(409);
    expect((await call("GET", "/v1/runs/0123456789abcdef/diff")).status).toBe(404);
    expect((await call("GET", "/v1/runs/nothex/diff")).status).toBe(400);
  });
});

describe("control re-run", () => {
  test("the baseline release re-scanned on the suspect's runner and spec, its deviations shown beside", async () => {
    const runs = (await call("GET", "/v1/runs?package=fangs-fixture-reldep")).json.runs as any[];
    const suspect = runs.find((r) => r.version === "1.1.0");
    const q = await call("POST", `/v1/runs/${suspect.id}/control`);
    expect(q.status).toBe(201);
    expect(q.json).toMatchObject({ control_of: suspect.id, version: "1.0.0", runner: "rd-runner" });
    const claimed = (await call("POST", "/v1/runners/rd-runner/claim?wait=0", {})).json.run;
    expect(claimed).toMatchObject({ id: q.json.run_id, package: "fangs-fixture-reldep", version: "1.0.0" });
    expect(claimed.spec).toEqual(JSON.parse((await t.db.selectFrom("runs").select("spec").where("id", "=", suspect.id).executeTakeFirstOrThrow()).spec));
    // The control install is the baseline's, plus one new thing of its own (the environment changed: a new address).
    const events = [...install("fangs-fixture-reldep", [{ pkg: "fangs-fixture-reldep", command: "node build.js", file: "build.js" }])];
    events.push({ ...ev(21, 20, "node", "/usr/bin/node"), kind: "connect", family: "inet", address: "198.51.100.9", port: 443, proto: "tcp" } as FangsEvent);
    await call("POST", `/v1/runs/${claimed.id}/events`, { batch_seq: 0, events });
    await call("POST", `/v1/runs/${claimed.id}/manifest`, golden("fangs-fixture-reldep@1.0.0"));
    await call("POST", `/v1/runs/${claimed.id}/finish`, { status: "finished", exit_code: 0, events_sent: events.length, events_dropped: 0, events_emitted: events.length });
    const r = await call("GET", `/v1/runs/${suspect.id}/diff`);
    expect(r.json.control).toMatchObject({ run_id: claimed.id, version: "1.0.0", status: "finished", shared: [], only_in_control: [expect.objectContaining({ category: "net_new_destination", value: "198.51.100.9:443" })] });
    expect(r.json.control.only_in_release).toBe(Number(suspect.deviation_count));
    expect((await call("GET", `/v1/runs/${claimed.id}/diff`)).json.control_of).toBe(suspect.id);
    const page = await (await t.app.request(`/ui/runs/${suspect.id}`)).text();
    expect(page).toContain('<div id="control-compare">');
    expect(page).toContain(`hx-post="/ui/runs/${suspect.id}/control"`);
  });

  test("the button: queues from the page; refused for a running run and for a package without an earlier baseline release", async () => {
    const runs = (await call("GET", "/v1/runs?package=fangs-fixture-relscript")).json.runs as any[];
    const suspect = runs.find((r) => r.version === "1.1.0");
    const ok = await t.app.request(`/ui/runs/${suspect.id}/control`, { method: "POST", headers: { "hx-request": "true", origin: "http://localhost", "content-type": "application/x-www-form-urlencoded" }, body: "" });
    expect(ok.status).toBe(201);
    expect(await ok.text()).toContain("Queued control run");
    const running = (await call("POST", "/v1/runners/rd-runner/claim?wait=0", {})).json.run;
    const busy = await t.app.request(`/ui/runs/${running.id}/control`, { method: "POST", headers: { "hx-request": "true", origin: "http://localhost", "content-type": "application/x-www-form-urlencoded" }, body: "" });
    expect(busy.status).toBe(409);
    expect(await busy.text()).toContain("a control re-run compares with a run that ended");
    const first = runs.find((r) => r.version === "1.0.0");
    const none = await call("POST", `/v1/runs/${first.id}/control`);
    expect(none.status).toBe(409);
    expect(none.json.error).toContain("has no baseline release other than 1.0.0");
    expect((await call("POST", "/v1/runs/0123456789abcdef/control")).status).toBe(404);
  });
});
