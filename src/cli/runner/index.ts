// `fangs runner` starts the daemon; `fangs runner doctor` checks the host;
// `fangs runner list` shows the pool.
// citty runs a command's own run() even after dispatching to a subcommand, so
// run() returns early when a subcommand was named.
import { defineCommand } from "citty";
import daemon, { RUNNER_ARGS } from "./daemon.ts";

const subCommands: Record<string, () => Promise<any>> = {
  doctor: () => import("./doctor.ts").then((m) => m.default),
  list: () => import("./list.ts").then((m) => m.default),
};

/** The first positional word, skipping the values of string flags. */
export function namedSubcommand(raw: string[]): string | undefined {
  const stringFlags = new Set(Object.keys(RUNNER_ARGS).concat(["db", "config"]));
  for (let i = 0; i < raw.length; i++) {
    const a = raw[i];
    if (a === "--") return undefined;
    if (a.startsWith("-")) {
      const name = a.replace(/^--?/, "");
      if (!name.includes("=") && stringFlags.has(name)) i++;
      continue;
    }
    return a;
  }
  return undefined;
}

export default defineCommand({
  meta: { name: "runner", description: "run the scan-host daemon (default); doctor checks the host, list shows the runner pool" },
  args: daemon.args,
  subCommands,
  async run(ctx) {
    const sub = namedSubcommand(ctx.rawArgs);
    if (sub !== undefined && sub in subCommands) return;
    return daemon.run!(ctx as any);
  },
});
