import { expect, test } from "bun:test";
import { parseEnabled } from "./flags.ts";

test.each([
  [undefined, true],
  ["", true],
  [true, true],
  ["true", true],
  ["false", false],
  [false, false], // -no-enabled
])("-enabled %p → %p", (raw, want) => expect(parseEnabled(raw)).toBe(want));

test.each(["0", "no", "FALSE ", "1"])("-enabled=%p is refused", (raw) => {
  expect(() => parseEnabled(raw)).toThrow("-enabled takes true or false");
});
