// The run page lists what outlived the install (or the import) with its
// lineage, and each deviation's phase; argv is the attacker's text, escaped.
import { expect, test } from "bun:test";
import { RunPage } from "../../../views/run.tsx";
import type { Deviation, Run } from "../../store/schema.ts";
import type { Outlived } from "../../differ/outlived.ts";

const left: Outlived[] = [{
  pid: 4242, phase: "install", actor: "script:evil:node", exe: "/usr/bin/node", argv: ["node", "/tmp/<script>alert(1)</script>.js"], after_ms: 5123, exit_code: 0, signal: null,
  lineage: [{ pid: 41, exe: "/bin/busybox", argv: ["sh", "-c", "node x.js &"] }, { pid: 40, exe: "/usr/bin/node", argv: ["node", "install.js"] }],
}];
const run = { id: "0123456789abcdef", package: "evil", version: "1.0.0", status: "finished", runner_target: null, runner_id: "r1", spec: "{}", created_at: 1, claimed_at: 2, finished_at: 3, exit_code: 0, failure_reason: null, events_count: 10, events_dropped: 0, batch_send_errors: 0, is_baseline: 0, verdict: "deviations", deviation_count: 1, max_severity: "high", timings: null, bait: null, image_id: null, drops_ringbuf: 0, drops_read: 0, drops_decode: 0, drops_unrouted: 0, events_unacked: 0, events_emitted: null, evidence_issues: null, outlived: JSON.stringify(left) } as Run;
const dev = { id: "00000000000000aa", run_id: run.id, package: "evil", category: "net_new_destination", actor: "import:node", value: "198.51.100.9:443", severity: "high", severity_rank: 3, reason: "r", evidence_seq: 7, detected_at: 1, cleared: 0, cleared_at: null, cleared_by: null, phase: "import" } as Deviation;

test("outlived processes are listed with phase, delay and creators; hostile argv is escaped", async () => {
  const html = String(await (<RunPage run={run} devs={[dev]} />));
  expect(html).toContain('id="outlived"');
  expect(html).toContain("+5.1s");
  expect(html).toContain("script:evil:node");
  expect(html).toContain("/bin/busybox -c node x.js &amp;  ←  /usr/bin/node install.js");
  expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  expect(html).not.toContain("<script>alert(1)");
  expect(html).toMatch(/<th>Phase<\/th><th>Category<\/th>/);
  expect(html).toContain('<td class="mono phase">import</td>');
});

test("a run with nothing left shows no outlived section", async () => {
  expect(String(await (<RunPage run={{ ...run, outlived: "[]" }} devs={[]} />))).not.toContain('id="outlived"');
  expect(String(await (<RunPage run={{ ...run, outlived: null }} devs={[]} />))).not.toContain('id="outlived"');
});

test("a pending row says when deviations come from the import phase", async () => {
  const { PendingRow } = await import("../../../views/components/pending_row.tsx");
  const row = { run_id: run.id, package: "evil", version: "1.0.0", deviation_count: 2, max_severity: "high", last_detected_at: 1, promote_command: "fangs baseline promote 0123456789ab", incomplete: false, issues: [], rescan_command: null };
  expect(String(await (<PendingRow row={{ ...row, phases: ["install", "import"] }} />))).toContain('title="deviations from loading the package (the import phase)"');
  expect(String(await (<PendingRow row={{ ...row, phases: ["install"] }} />))).not.toContain("the import phase");
});
