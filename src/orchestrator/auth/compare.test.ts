import { expect, test } from "bun:test";
import { secretEquals, bearerToken } from "./compare.ts";

test.each([
  ["s3cret-token", "s3cret-token", true],
  ["s3cret-token", "s3cret-tokeN", false],
  ["s3cret", "s3cret-token", false], // prefix
  ["s3cret-token-and-more", "s3cret-token", false], // longer
  ["", "s3cret-token", false],
  [undefined, "s3cret-token", false],
  [null, "s3cret-token", false],
  ["ünïcødé", "ünïcødé", true],
] as const)("secretEquals(%p, %p) = %p", (given, expected, want) => {
  expect(secretEquals(given as string | undefined, expected)).toBe(want);
});

test.each([
  ["Bearer abc", "abc"],
  ["bearer   abc ", "abc"],
  ["Basic abc", undefined],
  ["Bearer", undefined],
  ["Bearer a b", undefined],
  [undefined, undefined],
  ["", undefined],
] as const)("bearerToken(%p) = %p", (h, want) => {
  expect(bearerToken(h as string | undefined)).toBe(want as string | undefined);
});
