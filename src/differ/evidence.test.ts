import { describe, expect, test } from "bun:test";
import { assessEvidence, type EvidenceInput } from "./evidence.ts";

const whole: EvidenceInput = { status: "finished", exit_code: 0, losses: { ringbuf: 0, read: 0, decode: 0, unrouted: 0, unacked: 0 }, emitted: 10, stored: 10, reported_end: true };

describe("assessEvidence: complete only when nothing was lost and the install ended with 0", () => {
  test("whole evidence is complete", () => {
    expect(assessEvidence(whole)).toEqual({ complete: true, issues: [] });
  });
  test("an older runner that does not report emitted events is judged on the rest", () => {
    expect(assessEvidence({ ...whole, emitted: null }).complete).toBe(true);
  });
  const cases: [string, Partial<EvidenceInput>, string][] = [
    ["npm exit 1", { exit_code: 1 }, "npm install exited 1"],
    ["OOM 137", { exit_code: 137 }, "npm install exited 137"],
    ["unknown exit", { exit_code: null }, "the install's exit code is unknown"],
    ["timed out", { status: "timed_out", exit_code: 137 }, "the install did not end by itself: it was stopped at the duration limit"],
    ["failed", { status: "failed" }, "the run failed before the install ended"],
    ["no end report", { reported_end: false }, "the runner never reported the end of the run"],
    ["ring drops", { losses: { ...whole.losses, ringbuf: 3 } }, "3 events dropped in the kernel ring buffer"],
    ["read failures", { losses: { ...whole.losses, read: 1 } }, "1 string the kernel could not read"],
    ["decode errors", { losses: { ...whole.losses, decode: 2 } }, "2 records the decoder rejected"],
    ["unrouted", { losses: { ...whole.losses, unrouted: 4 } }, "4 events of a watched cgroup no run owned"],
    ["unacknowledged", { losses: { ...whole.losses, unacked: 5000 } }, "5000 events the orchestrator never acknowledged"],
    ["stored fewer than emitted", { stored: 7 }, "3 of 10 events the sensor emitted were not stored"],
  ];
  test.each(cases)("%s is incomplete", (_n, over, issue) => {
    const e = assessEvidence({ ...whole, ...over });
    expect(e.complete).toBe(false);
    expect(e.issues).toEqual([issue]);
  });
  test("each kind of loss is its own reason", () => {
    const e = assessEvidence({ ...whole, exit_code: 1, losses: { ringbuf: 1, read: 1, decode: 1, unrouted: 1, unacked: 1 }, stored: 9 });
    expect(e.issues).toHaveLength(7);
  });
});
