// checkCommandLine over the real command tree (src/cli/main.ts root): wrong
// words and flags at every level give one plain sentence; right ones pass.
import { expect, test } from "bun:test";
import { root } from "./main.ts";
import { checkCommandLine } from "./dispatch.ts";
import { normalizeArgv } from "./argv.ts";

const check = (line: string) => checkCommandLine(root, normalizeArgv(line.split(" ").filter(Boolean)));

test.each([
  ["runner -bogus 1", 'unknown flag -bogus for fangs runner'],
  ["nope", 'unknown command "nope" for fangs'],
  ["-db x pending", "unknown flag -db for fangs"],
  ["package -bogus x", "unknown flag -bogus for fangs package"],
  ["package nope", 'unknown command "nope" for fangs package'],
  ["package", "fangs package needs a command: add, import, set, watched, list, remove"],
  ["package list -bogus", "unknown flag -bogus for fangs package list"],
  ["run list --limit 3 --bogus", "unknown flag -bogus for fangs run list"],
  ["runner -image x list -bogus", "unknown flag -bogus for fangs runner list"],
  ["runner doctor extra", ""], // extra words are the leaf's business
  ["run show", "fangs run show needs RUN"],
  ["deviation show --json", "fangs deviation show needs ID"],
  ["pending -package", "flag -package needs a value"],
  ["run list -limit --json", "flag -limit needs a value"],
  ["allow add -kind path -value -weird-name", "flag -value needs a value"],
])("%s → %s", async (line, message) => {
  if (message === "") return expect(check(line)).resolves.toBeUndefined();
  const err = await check(line).then(() => undefined, (e: Error) => e);
  expect(err?.message).toBe(message);
  // Our one line: no terminal colour codes from citty.
  expect(err?.message).not.toContain("\x1b");
});

test.each([
  "pending -package demo -min-severity high --json",
  "pending --package demo --min-severity=high -json",
  "run list -package demo -limit 5 --json",
  "runner -image doctor:latest -concurrency 2", // a string flag's value is not a subcommand
  "runner -image x list --json",
  "allow remove -1abc", // not a flag: does not start with a letter
  "run list -limit -1", // a value that looks numeric-negative is a value
  "allow add -kind path -value=-weird-name", // a value that looks like a flag goes after =
  "deviation show abc -- --anything",
  "package add left-pad -skip-registry-validate -skip-initial-scan",
])("accepted: %s", async (line) => {
  await expect(check(line)).resolves.toBeUndefined();
});
