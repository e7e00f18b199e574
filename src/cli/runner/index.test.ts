import { expect, test } from "bun:test";
import { namedSubcommand } from "./index.ts";

test.each([
  [[], undefined],
  [["doctor"], "doctor"],
  [["doctor", "--json"], "doctor"],
  [["--image", "doctor:latest"], undefined], // a flag's value is not a subcommand
  [["--image=x", "doctor"], "doctor"],
  [["--concurrency", "2"], undefined],
  [["--", "doctor"], undefined],
  [["list", "--json"], "list"],
] as [string[], string | undefined][])("namedSubcommand(%j) = %p", (argv, want) => {
  expect(namedSubcommand(argv)).toBe(want);
});
