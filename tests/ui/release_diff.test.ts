// The run page's "What changed" section in real headless Chromium against
// the real `dist/fangs serve`: a release whose changed postinstall carries
// markup and whose files have hostile names; every one stays text (no
// dialog, no element, no CSP violation), the diffs open, and the control
// button queues a re-run through htmx under the strict CSP.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { api, startServe, type Serve } from "../orchestrator/lib.ts";
import { REPO } from "../lib/env.ts";
import { cspViolations, browserSuite, type Watched } from "./lib.ts";
import { installEvents, type ScriptRun } from "../manifest/events.ts";

setDefaultTimeout(30_000);
const HOSTILE_NAME = "<script>alert(7)</script>.js";
const CMD = "node setup.js --tag '<img src=x onerror=alert(1)>'";

let s: Serve;
let w: Watched;
let suspect: string;
const golden = (k: string) => JSON.parse(readFileSync(join(REPO, "tests/fixtures/manifests", `${k}.json`), "utf8"));
const R = { "X-Fangs-Runner": "ui-rd" };

async function scan(version: string, scripts: ScriptRun[], manifest: unknown): Promise<string> {
  const id = (await api(s.url, "POST", "/v1/scans", { package: "fangs-fixture-relscript", version, runner: "ui-rd" })).json.run_id;
  expect((await api(s.url, "POST", "/v1/runners/ui-rd/claim?wait=1", undefined, R)).json.run.id).toBe(id);
  const events = installEvents("fangs-fixture-relscript", scripts);
  await api(s.url, "POST", `/v1/runs/${id}/events`, { batch_seq: 0, events }, R);
  expect((await api(s.url, "POST", `/v1/runs/${id}/manifest`, manifest, R)).status).toBe(200);
  expect((await api(s.url, "POST", `/v1/runs/${id}/finish`, { status: "finished", exit_code: 0, events_sent: events.length, events_dropped: 0, events_emitted: events.length }, R)).status).toBe(200);
  return id;
}

browserSuite(async () => {
  s = await startServe({ args: ["-ingest-rate-limit", "0"] });
  await api(s.url, "POST", "/v1/runners/register", { id: "ui-rd", hostname: "ui-rd", version: "test", probes: [] });
  await scan("1.0.0", [{ pkg: "fangs-fixture-relscript", command: "node setup.js", file: "setup.js" }], golden("fangs-fixture-relscript@1.0.0"));
  const m = golden("fangs-fixture-relscript@1.1.0");
  m.packages[0].files.push({ path: HOSTILE_NAME, size: 5, sha256: "2".repeat(64) });
  m.packages[0].texts[HOSTILE_NAME] = "</pre><img src=x onerror=alert(8)>\n";
  suspect = await scan("1.1.0", [{ pkg: "fangs-fixture-relscript", command: CMD, file: "setup.js", steal: true }], m);
  return s;
}, (page) => (w = page));

describe("What changed, in chromium", () => {
  test("the cause, the script change and the hostile names are text; the diffs open", async () => {
    await w.page.goto(`${s.url}/ui/runs/${suspect}`);
    const section = w.page.locator("#what-changed");
    expect(await section.locator("#release-summary").textContent()).toBe("since fangs-fixture-relscript@1.0.0: 1 own lifecycle script(s) postinstall changed; 3 file(s) changed");
    expect(await section.locator("#causal-lines li").first().textContent()).toStartWith(`the scanned package fangs-fixture-relscript@1.1.0 (postinstall \`${CMD}\`, changed in this release) → read /root/.aws/credentials, connected 192.0.2.77:443`);
    expect(await section.locator("#script-changes").textContent()).toContain(CMD);
    expect(await section.locator("#file-changes").textContent()).toContain(HOSTILE_NAME);
    const details = section.locator("#file-changes details");
    await details.first().locator("summary").click();
    expect(await section.locator("#file-changes pre").first().textContent()).toContain("+</pre><img src=x onerror=alert(8)>");
    expect(await section.locator("img, script").count()).toBe(0);
  });

  test("the control button queues a re-run through htmx and answers with its box", async () => {
    await w.page.locator("#control-box button").click();
    await w.page.locator("#control-box", { hasText: "Queued control run" }).waitFor();
    const queued = (await api(s.url, "GET", "/v1/runs?package=fangs-fixture-relscript")).json.runs[0];
    expect(queued).toMatchObject({ version: "1.0.0", status: "queued", runner_target: "ui-rd" });
    expect((await api(s.url, "GET", `/v1/runs/${queued.id}/diff`)).json.control_of).toBe(suspect);
  });

  test("nothing injected ran: no dialog, no page error, no CSP violation", () => {
    expect(w.dialogs).toEqual([]);
    expect(w.errors).toEqual([]);
    expect(cspViolations(w)).toEqual([]);
  });
});
