// The one parser over the real command tree (src/cli/main.ts root): wrong
// words and flags at every level give one plain sentence; right ones parse
// into the leaf and the values its run() reads.
import { expect, test } from "bun:test";
import { root } from "./main.ts";
import { parseCommandLine } from "./dispatch.ts";

const parse = (line: string) => parseCommandLine(root, line.split(" ").filter(Boolean));
const check = (line: string) => parse(line).then((p) => { expect(p.kind).toBe("run"); });

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

const ran = async (line: string) => {
  const p = await parse(line);
  if (p.kind !== "run") throw new Error(`${line}: ${p.kind}`);
  return { path: p.path.join(" "), args: p.args };
};

test.each([
  // `fangs runner` runs the daemon unless a subcommand is named; a string
  // flag's value is never taken for one.
  ["runner", "fangs runner", {}],
  ["runner doctor", "fangs runner doctor", {}],
  ["runner doctor --json", "fangs runner doctor", { json: true }],
  ["runner --image doctor:latest", "fangs runner", { image: "doctor:latest" }],
  ["runner --image=x doctor", "fangs runner doctor", { _: [] }], // the parent's flag is not the leaf's word
  ["runner --concurrency 2", "fangs runner", { concurrency: "2" }],
  ["runner -ring-bytes 4096", "fangs runner", { "ring-bytes": "4096", ringBytes: "4096" }],
  ["runner list --json", "fangs runner list", { json: true }],
  // Go style, GNU style, inline values, negation, defaults.
  ["pending -package demo -min-severity high -json", "fangs pending", { package: "demo", "min-severity": "high", json: true }],
  ["pending --package=demo --min-severity=high --no-json", "fangs pending", { package: "demo", "min-severity": "high", json: false }],
  ["pending -json=false -db=/tmp/x.db", "fangs pending", { json: false, db: "/tmp/x.db" }],
  ["run list -limit -1", "fangs run list", { limit: "-1" }],
  ["allow add -kind path -value=-weird-name", "fangs allow add", { kind: "path", value: "-weird-name" }],
  ["allow remove -1abc", "fangs allow remove", { id: "-1abc" }],
  ["deviation show abc -- --anything", "fangs deviation show", { id: "abc", _: ["abc", "--anything"] }],
  ["ca init", "fangs ca init", { dir: expect.any(String) }],
] as [string, string, Record<string, unknown>][])("parsed: %s", async (line, path, args) => {
  const got = await ran(line);
  expect(got.path).toBe(path);
  expect(got.args).toMatchObject(args);
});

test("fangs runner with no subcommand runs the daemon's run(), a named one only its own", async () => {
  const daemon = (await import("./runner/daemon.ts")).default;
  const doctor = (await import("./runner/doctor.ts")).default;
  const a = await parse("runner -image x");
  const b = await parse("runner doctor");
  expect(a.kind === "run" && (a.cmd.run as unknown)).toBe(daemon.run!);
  expect(b.kind === "run" && (b.cmd.run as unknown)).toBe(doctor.run!);
});

test("a boolean takes no word after it, and no value but true/false", async () => {
  expect((await ran("runner doctor -json")).args._).toEqual([]);
  await expect(parse("pending -json=yes")).rejects.toThrow("flag -json takes no value");
});

test.each([
  ["", "fangs"],
  ["--help", "fangs"],
  ["-h", "fangs"],
  ["package -help", "fangs package"],
  ["package add --help", "fangs package add"],
  ["package add -bogus --help", "fangs package add"], // help wins over a wrong flag
  ["nope --help", "fangs"],
])("help: %p shows %s", async (line, path) => {
  const p = await parse(line);
  expect(p.kind).toBe("help");
  if (p.kind !== "help") return;
  expect(p.path.join(" ")).toBe(path);
  expect(p.usage).toContain(`Usage: ${path}`);
  expect(p.usage).not.toContain("\x1b");
});

test("usage is in the manual's flag syntax", async () => {
  const p = await parse("package add --help");
  if (p.kind !== "help") throw new Error(p.kind);
  expect(p.usage).toContain("Usage: fangs package add [flags] NAME");
  expect(p.usage).toMatch(/\n  -registry-url REGISTRY_URL +registry the package/);
  expect(p.usage).toMatch(/\n  -json +machine-readable/);
  const r = await parse("runner --help");
  if (r.kind !== "help") throw new Error(r.kind);
  expect(r.usage).toContain("Usage: fangs runner [doctor|list] [flags]");
});

test("-version at the root prints the version; elsewhere it is a flag like any other", async () => {
  expect(await parse("-version")).toEqual({ kind: "version", version: expect.stringMatching(/^\d+\.\d+/) });
  expect(await parse("--version")).toMatchObject({ kind: "version" });
  expect((await ran("package add x -version 2.0.0")).args.version).toBe("2.0.0");
});

test("every command in the tree loads, shows its usage, and leaves -h/-help to the parser", async () => {
  const seen: string[] = [];
  const walk = async (words: string[]) => {
    const p = await parse([...words, "--help"].join(" "));
    if (p.kind !== "help") throw new Error(`${words.join(" ")}: ${p.kind}`);
    expect(p.path.join(" ")).toBe(["fangs", ...words].join(" "));
    const args = (await (typeof p.cmd.args === "function" ? p.cmd.args() : p.cmd.args)) ?? {};
    expect(Object.keys(args).filter((k) => k === "h" || k === "help")).toEqual([]);
    seen.push(words.join(" "));
    const subs = (await (typeof p.cmd.subCommands === "function" ? p.cmd.subCommands() : p.cmd.subCommands)) ?? {};
    for (const name of Object.keys(subs)) await walk([...words, name]);
  };
  await walk([]);
  expect(seen).toContain("runner doctor");
  expect(seen).toContain("package add");
  expect(seen.length).toBeGreaterThan(50);
});
