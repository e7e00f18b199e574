// Walk the command line down the command tree before citty runs it, so that
// every group and every command answers a wrong word or flag with our one
// error line. citty alone accepts unknown flags silently, takes them for
// booleans and their value for a subcommand (`fangs runner -bogus 1` →
// "Unknown command 1", in colour).
import type { ArgsDef, CommandDef, Resolvable } from "citty";
import { FangsError } from "../core/errors.ts";

type AnyCommand = CommandDef<ArgsDef>;

async function resolve<T>(v: Resolvable<T> | (() => Resolvable<T>) | undefined): Promise<T | undefined> {
  return (typeof v === "function" ? await (v as () => Resolvable<T>)() : await v) as T | undefined;
}

/** Flags this command accepts, mapped to whether they take a value. */
function flagTable(args: ArgsDef): Map<string, boolean> {
  const t = new Map<string, boolean>([["help", false], ["h", false]]);
  for (const [name, d] of Object.entries(args)) {
    const takesValue = d.type === "string" || d.type === "enum";
    t.set(name, takesValue);
    const al = (d as { alias?: string | string[] }).alias;
    for (const a of Array.isArray(al) ? al : al ? [al] : []) t.set(a, takesValue);
  }
  return t;
}

/** Throws a FangsError for the first unknown subcommand or flag above the leaf. */
export async function checkCommandLine(root: AnyCommand, rawArgs: string[]): Promise<void> {
  let cmd = root;
  const path = [(await resolve(root.meta))?.name ?? "fangs"];
  const positionals: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const subs = await resolve(cmd.subCommands);
    const a = rawArgs[i];
    if (a === "--") return;
    const where = path.join(" ");
    const flag = /^--?([A-Za-z][A-Za-z0-9-]*)(=.*)?$/s.exec(a);
    if (flag) {
      const name = flag[1].replace(/^no-/, "");
      const table = flagTable((await resolve(cmd.args)) ?? {});
      if (!table.has(name)) {
        const known = [...table.keys()].filter((k) => k.length > 1 && k !== "help").map((k) => "-" + k);
        throw new FangsError(`unknown flag -${name} for ${where}`, { hint: `${where} --help${known.length ? ` (flags: ${known.join(" ")})` : ""}` });
      }
      if (table.get(name) && flag[2] === undefined) {
        // Its value is the next word (never a subcommand). A word that looks
        // like a flag is one to citty too, so a value like that needs -flag=value.
        const next = rawArgs[i + 1];
        if (next === undefined || /^--?[A-Za-z]/.test(next)) {
          const nextName = next && /^--?([A-Za-z][A-Za-z0-9-]*)/.exec(next)?.[1];
          const hint = !nextName || table.has(nextName) ? `${where} --help` : `-${name}=-${nextName} if that is the value`;
          throw new FangsError(`flag -${name} needs a value`, { hint });
        }
        i++;
      }
      continue;
    }
    if (!subs || Object.keys(subs).length === 0) {
      positionals.push(a); // a leaf's positional argument
      continue;
    }
    if (!(a in subs)) {
      throw new FangsError(`unknown command ${JSON.stringify(a)} for ${where}`, { hint: `${where} --help` });
    }
    cmd = (await resolve(subs[a] as Resolvable<AnyCommand>)) as AnyCommand;
    path.push(a);
  }
  const where = path.join(" ");
  const subs = await resolve(cmd.subCommands);
  if (subs && Object.keys(subs).length > 0 && !cmd.run) {
    throw new FangsError(`${where} needs a command: ${Object.keys(subs).join(", ")}`, { hint: `${where} --help` });
  }
  const wanted = Object.entries((await resolve(cmd.args)) ?? {}).filter(([, d]) => d.type === "positional");
  wanted.forEach(([name, d], n) => {
    if (d.required && positionals[n] === undefined) {
      throw new FangsError(`${where} needs ${name.toUpperCase()}`, { hint: `${where} ${wanted.map(([w]) => w.toUpperCase()).join(" ")}` });
    }
  });
}
