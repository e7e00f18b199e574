import { expect, test } from "bun:test";
import { FangsError } from "../core/errors.ts";
import { intFlag } from "./flags.ts";

const LIMIT = { name: "limit", min: 1, max: 100, example: 20 };

test("absent is undefined; a whole number in range is that number", () => {
  expect(intFlag(undefined, LIMIT)).toBeUndefined();
  expect(intFlag("", LIMIT)).toBeUndefined();
  expect(intFlag("1", LIMIT)).toBe(1);
  expect(intFlag("100", LIMIT)).toBe(100);
});

test.each(["0", "101", "-5", "1.5", "1e2", "ten", " 7", "0x10", "9".repeat(40)])("%p is refused in one format with a hint", (raw) => {
  let err: unknown;
  try {
    intFlag(raw, LIMIT);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(FangsError);
  expect((err as FangsError).message).toBe(`-limit must be a whole number from 1 to 100 (got ${JSON.stringify(raw)})`);
  expect((err as FangsError).hint).toBe("-limit 20");
});
