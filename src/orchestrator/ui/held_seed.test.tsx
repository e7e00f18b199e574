// The run page says when a first run is held (seeded_with_findings) and how
// to trust it; other verdicts say nothing of the kind.
import { expect, test } from "bun:test";
import { RunPage } from "../../../views/run.tsx";
import type { Run } from "../../store/schema.ts";

const run = (over: Partial<Run>): Run => ({
  id: "0123456789abcdef", package: "cold-pkg", version: "1.0.0", status: "finished", runner_target: null, runner_id: "r1",
  spec: "{}", created_at: 1, claimed_at: 2, finished_at: 3, exit_code: 0, failure_reason: null, events_count: 10,
  events_dropped: 0, batch_send_errors: 0, is_baseline: 0, verdict: "seeded", deviation_count: 0, max_severity: null, timings: null, bait: null, image_id: null, outlived: null, project_dir: null,
  drops_ringbuf: 0, drops_read: 0, drops_decode: 0, drops_unrouted: 0, events_unacked: 0, events_emitted: null, evidence_issues: null, ...over,
});

test.each([
  [run({ verdict: "seeded_with_findings", deviation_count: 2, max_severity: "critical" }), "fangs baseline promote 0123456789ab"],
  [run({ verdict: "seeded_with_findings", is_baseline: 1 }), "this one has been promoted"],
])("a held seed is explained (%#)", async (r, want) => {
  const html = String(await (<RunPage run={r} devs={[]} />));
  expect(html).toContain('id="held-seed"');
  expect(html).toContain(want);
});

test("a clean seed is not called held", async () => {
  expect(String(await (<RunPage run={run({})} devs={[]} />))).not.toContain("held-seed");
});
