import { expect, test } from "bun:test";
import { exitLabel, exitReason } from "./sandbox.ts";

test.each([
  [137, "finished", "OOM-killed by the sandbox memory limit", "137 oom"],
  [137, "timed_out", "killed at the duration limit", "137 killed"],
  [125, "failed", "Docker could not start the container", "125 docker"],
  [0, "finished", null, "0"],
  [1, "finished", null, "1"],
  [null, "failed", null, "-"],
] as const)("exit %p when %s → %p / %p", (code, status, reason, label) => {
  expect(exitReason(code, status)).toBe(reason);
  expect(exitLabel(code, status)).toBe(label);
});
