import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Spool } from "./spool.ts";

const RUN = "00000000000000aa";
const root = () => mkdtempSync(join(tmpdir(), "fangs-spool-"));

describe("runner spool", () => {
  test("batches and the end-of-run report survive a new process; acknowledged ones go", () => {
    const dir = root();
    const a = new Spool(dir, "r1");
    expect(a.putBatch(RUN, 0, { batch_seq: 0, events: [1] })).toBe(true);
    expect(a.putBatch(RUN, 1, { batch_seq: 1, events: [2, 3] })).toBe(true);
    expect(a.putFinish(RUN, { status: "finished" })).toBe(true);
    a.ackBatch(RUN, 0);
    const b = new Spool(dir, "r1"); // a restarted runner
    expect(b.runs()).toEqual([{ runId: RUN, batches: [1], finish: true }]);
    expect(b.readBatch(RUN, 1)).toEqual({ batch_seq: 1, events: [2, 3] });
    expect(b.readFinish(RUN)).toEqual({ status: "finished" });
    expect(b.usedBytes).toBeGreaterThan(0);
    b.drop(RUN);
    expect(b.runs()).toEqual([]);
    expect(b.usedBytes).toBe(0);
    // Another runner id on the same host has its own directory.
    expect(new Spool(dir, "r2").runs()).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(["r1", "r2"]);
  });

  test("bounded: a full spool writes nothing and says so once per run", () => {
    const logs: string[] = [];
    const s = new Spool(root(), "r1", 100, (l) => logs.push(l));
    expect(s.putBatch(RUN, 0, { x: "a".repeat(50) })).toBe(true);
    expect(s.putBatch(RUN, 1, { x: "b".repeat(50) })).toBe(false);
    expect(s.putBatch(RUN, 2, { x: "c".repeat(50) })).toBe(false);
    expect(s.runs()).toEqual([{ runId: RUN, batches: [0], finish: false }]);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain("is full");
    expect(logs[0]).toContain("-spool-max-mb");
    s.ackBatch(RUN, 0);
    expect(s.putBatch(RUN, 3, { x: "d".repeat(50) })).toBe(true);
  });

  test("names that are not run directories or batch files are left alone", () => {
    const s = new Spool(root(), "r1");
    s.putBatch(RUN, 7, {});
    expect(s.runs()).toEqual([{ runId: RUN, batches: [7], finish: false }]);
  });
});
