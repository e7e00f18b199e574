// The one command-line parser. The command tree is citty's shape
// (`defineCommand({meta, args, subCommands, run})`, see command.ts), but the
// words are read here, once, from left to right:
//
//   fangs [group …] verb [flags and positionals] [-- positionals…]
//
// - A word that names a subcommand of the current command descends into it;
//   flags before it belong to the parent (`fangs runner -image x list`). A
//   command with subcommands AND run() (`fangs runner`) runs only when no
//   subcommand was named. Any other word above a leaf is refused.
// - Flags are the manual's Go style, `-package axios`; `--package axios`,
//   `-package=axios` and `--package=axios` mean the same. A string flag takes
//   the next word as its value unless that word looks like a flag (then write
//   `-flag=-value`); a boolean takes none (`-json`, `-no-json`, `-json=false`).
// - Everything after `--` is positional.
// - `-h`/`-help`/`--help` anywhere prints the usage of the deepest command
//   named; `fangs -version` prints the version.
// - A wrong word or flag at any level is one FangsError (`Error: …` / `Try: …`).
//
// citty itself is kept for its types and defineCommand only: its parser reads
// `-package` as -p -a -c …, accepts unknown flags silently and runs a parent's
// run() after its subcommand's.
import type { ArgDef, ArgsDef, CommandDef, Resolvable } from "citty";
import { FangsError } from "../core/errors.ts";

type AnyCommand = CommandDef<ArgsDef>;
type Args = Record<string, unknown> & { _: string[] };

export type Parsed =
  | { kind: "help"; path: string[]; cmd: AnyCommand; usage: string }
  | { kind: "version"; version: string }
  | { kind: "run"; path: string[]; cmd: AnyCommand; args: Args; rawArgs: string[] };

async function resolve<T>(v: Resolvable<T> | (() => Resolvable<T>) | undefined): Promise<T | undefined> {
  return (typeof v === "function" ? await (v as () => Resolvable<T>)() : await v) as T | undefined;
}

const FLAG = /^--?([A-Za-z][A-Za-z0-9-]*)(?:=(.*))?$/s;
const HELP = new Set(["h", "help"]);
const takesValue = (d: ArgDef) => d.type === "string" || d.type === "enum";
const camel = (s: string) => s.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The flag definitions of a command by name and alias (positionals left out). */
function flagTable(args: ArgsDef): Map<string, [string, ArgDef]> {
  const t = new Map<string, [string, ArgDef]>();
  for (const [name, d] of Object.entries(args)) {
    if (d.type === "positional") continue;
    const al = (d as { alias?: string | string[] }).alias;
    for (const n of [name, ...(Array.isArray(al) ? al : al ? [al] : [])]) t.set(n, [name, d]);
  }
  return t;
}

/** Reads argv down the tree; throws a FangsError for the first wrong word or flag. */
export async function parseCommandLine(root: AnyCommand, argv: string[]): Promise<Parsed> {
  let cmd = root;
  let defs: ArgsDef = (await resolve(root.args)) ?? {};
  const path = [(await resolve(root.meta))?.name ?? "fangs"];
  let values: Record<string, unknown> = {};
  let positionals: string[] = [];
  let rawStart = 0;
  // -h/-help are reserved (no command defines them) and win over wrong words.
  const end = argv.indexOf("--");
  const help = (end < 0 ? argv : argv.slice(0, end)).some((a) => /^--?(h|help)$/.test(a));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const where = path.join(" ");
    if (a === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    const flag = FLAG.exec(a);
    if (flag) {
      const [, given, inline] = flag;
      if (HELP.has(given)) continue;
      if (path.length === 1 && given === "version" && argv.length === 1) {
        return { kind: "version", version: (await resolve(root.meta))?.version ?? "" };
      }
      const table = flagTable(defs);
      const negated = !table.has(given) && given.startsWith("no-") && table.get(given.slice(3))?.[1].type === "boolean";
      const entry = table.get(negated ? given.slice(3) : given);
      if (!entry) {
        if (help) continue; // `fangs x -bogus --help` still shows x's usage
        const known = [...table.keys()].filter((k) => k.length > 1).map((k) => "-" + k);
        throw new FangsError(`unknown flag -${given.replace(/^no-/, "")} for ${where}`, { hint: `${where} --help${known.length ? ` (flags: ${known.join(" ")})` : ""}` });
      }
      const [name, d] = entry;
      if (!takesValue(d)) {
        if (inline === undefined || inline === "true") values[name] = !negated;
        else if (inline === "false") values[name] = negated;
        else throw new FangsError(`flag -${given} takes no value`, { hint: `-${given} alone turns it on, -no-${name} off` });
        continue;
      }
      let value = inline;
      if (value === undefined) {
        // Its value is the next word (never a subcommand). A word that looks
        // like a flag is taken for one, so a value like that needs -flag=value.
        const next = argv[i + 1];
        if (next === undefined || FLAG.test(next) || next === "--") {
          const nextName = next === undefined ? undefined : FLAG.exec(next)?.[1];
          const hint = !nextName || table.has(nextName) || HELP.has(nextName) ? `${where} --help` : `-${name}=-${nextName} if that is the value`;
          throw new FangsError(`flag -${given} needs a value`, { hint });
        }
        value = next;
        i++;
      }
      const options = (d as { options?: string[] }).options;
      if (d.type === "enum" && options?.length && !options.includes(value)) {
        throw new FangsError(`flag -${given} must be one of ${options.join(", ")}`, { hint: `${where} --help` });
      }
      values[name] = value;
      continue;
    }
    const subs = await resolve(cmd.subCommands);
    if (subs && Object.keys(subs).length > 0) {
      if (!(a in subs)) {
        if (help) break;
        throw new FangsError(`unknown command ${JSON.stringify(a)} for ${where}`, { hint: `${where} --help` });
      }
      // Descend: what came before belonged to the parent.
      cmd = (await resolve(subs[a] as Resolvable<AnyCommand>)) as AnyCommand;
      defs = (await resolve(cmd.args)) ?? {};
      path.push(a);
      values = {};
      positionals = [];
      rawStart = i + 1;
      continue;
    }
    positionals.push(a); // a leaf's positional argument
  }

  const where = path.join(" ");
  if (help || (path.length === 1 && argv.length === 0)) return { kind: "help", path, cmd, usage: await renderUsage(cmd, path) };
  const subs = await resolve(cmd.subCommands);
  if (subs && Object.keys(subs).length > 0 && !cmd.run) {
    throw new FangsError(`${where} needs a command: ${Object.keys(subs).join(", ")}`, { hint: `${where} --help` });
  }
  const args: Args = { _: positionals };
  for (const [name, d] of Object.entries(defs)) if (d.type !== "positional" && values[name] === undefined && d.default !== undefined) values[name] = d.default;
  const wanted = Object.entries(defs).filter(([, d]) => d.type === "positional");
  wanted.forEach(([name, d], n) => {
    const v = positionals[n] ?? d.default;
    if (v === undefined && d.required !== false) {
      throw new FangsError(`${where} needs ${name.toUpperCase()}`, { hint: `${where} ${wanted.map(([w]) => w.toUpperCase()).join(" ")}` });
    }
    values[name] = v;
  });
  for (const [name, d] of Object.entries(defs)) {
    if (d.type !== "positional" && d.required && values[name] === undefined) throw new FangsError(`missing -${name}`, { hint: `${where} --help` });
  }
  // Commands read `args["ring-bytes"]`; camelCase is kept as citty offered it.
  for (const [name, v] of Object.entries(values)) {
    args[name] = v;
    if (camel(name) !== name) args[camel(name)] = v;
  }
  return { kind: "run", path, cmd, args, rawArgs: argv.slice(rawStart) };
}

/** Plain usage text in the manual's flag syntax (no colour: it is piped too). */
export async function renderUsage(cmd: AnyCommand, path: string[]): Promise<string> {
  const meta = (await resolve(cmd.meta)) ?? {};
  const defs = (await resolve(cmd.args)) ?? {};
  const subs = (await resolve(cmd.subCommands)) ?? {};
  const pos = Object.entries(defs).filter(([, d]) => d.type === "positional");
  const flags = Object.entries(defs).filter(([, d]) => d.type !== "positional");
  const names = Object.keys(subs);
  const synopsis = [
    path.join(" "),
    names.length ? (cmd.run ? `[${names.join("|")}]` : names.join("|")) : "",
    flags.length ? "[flags]" : "",
    ...pos.map(([n, d]) => (d.required === false || d.default !== undefined ? `[${n.toUpperCase()}]` : n.toUpperCase())),
  ].filter(Boolean);
  const table = (rows: [string, string][]) => {
    const w = Math.max(...rows.map(([l]) => l.length));
    return rows.map(([l, r]) => `  ${l.padEnd(w)}  ${r}`.trimEnd());
  };
  const out = [`${meta.description ?? ""}${meta.version ? ` (${path[0]} ${meta.version})` : ""}`, "", `Usage: ${synopsis.join(" ")}`];
  if (pos.length) out.push("", "Arguments:", ...table(pos.map(([n, d]) => [n.toUpperCase(), d.description ?? ""])));
  if (flags.length) {
    out.push("", "Flags:", ...table(flags.map(([n, d]) => [
      `-${n}${takesValue(d) ? ` ${(d as { valueHint?: string }).valueHint ?? n.replace(/-/g, "_").toUpperCase()}` : ""}`,
      `${d.description ?? ""}${d.default !== undefined && !/default/.test(d.description ?? "") ? ` (default ${d.default})` : ""}`,
    ])));
  }
  if (names.length) {
    const rows: [string, string][] = [];
    for (const n of names) rows.push([n, (await resolve((await resolve(subs[n] as Resolvable<AnyCommand>))?.meta))?.description ?? ""]);
    out.push("", "Commands:", ...table(rows), "", `${path.join(" ")} COMMAND --help shows a command's flags.`);
  }
  return out.join("\n");
}

/** Parse, then print usage or the version, or run the leaf. */
export async function dispatch(root: AnyCommand, argv: string[]): Promise<void> {
  const p = await parseCommandLine(root, argv);
  if (p.kind === "version") return void process.stdout.write(p.version + "\n");
  if (p.kind === "help") return void process.stdout.write(p.usage + "\n");
  await p.cmd.run!({ rawArgs: p.rawArgs, args: p.args as never, cmd: p.cmd, data: undefined });
}
