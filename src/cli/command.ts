// The shape every CLI command file takes: `export default command({...})`.
// Adds the global flags (-db, -config) and gives run() an opened, migrated
// store on demand (created if new; a schema that is behind is refused, see
// store/index.ts). The words are read by dispatch.ts, the one parser.
import { defineCommand, type ArgsDef, type CommandContext, type CommandDef } from "citty";
import { FangsError } from "../core/errors.ts";
import { loadConfig, type Config } from "../core/config.ts";
import { openCurrent, type Store } from "../store/index.ts";

export const GLOBAL_ARGS = {
  db: { type: "string", description: "SQLite path or postgres:// URL (env FANGS_DB)" },
  config: { type: "string", description: "config file (default config/orchestrator.yaml)" },
} as const satisfies ArgsDef;

export const JSON_ARG = { json: { type: "boolean", description: "machine-readable output (stable, for jq)" } } as const satisfies ArgsDef;

export interface Ctx<T extends ArgsDef> extends CommandContext<T & typeof GLOBAL_ARGS> {
  config(): Config;
  /** Opened and migrated on first use; closed by the framework after run(). */
  store(): Promise<Store>;
}

export function command<const T extends ArgsDef>(def: {
  meta: { name: string; description: string };
  args?: T;
  run: (ctx: Ctx<T>) => unknown | Promise<unknown>;
}): CommandDef<T & typeof GLOBAL_ARGS> {
  const args = { ...(def.args ?? ({} as T)), ...GLOBAL_ARGS } as T & typeof GLOBAL_ARGS;
  return defineCommand({
    meta: def.meta,
    args,
    async run(ctx) {
      let cfg: Config | undefined;
      let store: Store | undefined;
      const c = ctx as unknown as Ctx<T>;
      c.config = () => (cfg ??= loadConfig({ db: ctx.args.db, config: ctx.args.config }));
      c.store = async () => (store ??= await openCurrent(c.config().db));
      try {
        return await def.run(c);
      } finally {
        await store?.destroy();
      }
    },
  }) as CommandDef<T & typeof GLOBAL_ARGS>;
}

type Loader = () => Promise<{ default: unknown }>;

/** A command made only of verbs (`fangs allow add|list|remove`); each verb's
 *  file is loaded when it is named. */
export function group(meta: { name: string; description: string; version?: string }, verbs: Record<string, Loader>): CommandDef {
  const subCommands = Object.fromEntries(Object.entries(verbs).map(([verb, load]) => [verb, () => load().then((m) => m.default as CommandDef)]));
  return defineCommand({ meta, subCommands });
}

/** Required flag, with the manual's wording for the error. */
export function need(value: unknown, flag: string, example: string): string {
  if (typeof value !== "string" || value === "") throw new FangsError(`missing -${flag}`, { hint: example });
  return value;
}
