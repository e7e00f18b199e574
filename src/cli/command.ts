// The shape every CLI command file takes: `export default command({...})`.
// Adds the global flags (-db, -config; -orchestrator URL and -operator-token
// for remote mode) and gives run() an opened, migrated store on demand
// (created if new; a schema that is behind is refused, see store/index.ts),
// or with -orchestrator the orchestrator's client instead (ctx.remote()).
// The words are read by dispatch.ts, the one parser.
import { defineCommand, type ArgsDef, type CommandContext, type CommandDef } from "citty";
import { FangsError } from "../core/errors.ts";
import { loadConfig, type Config } from "../core/config.ts";
import { openCurrent, type Store } from "../store/index.ts";
import { OrchestratorClient, orchestratorUrl } from "../client/orchestrator.ts";

export const GLOBAL_ARGS = {
  db: { type: "string", description: "SQLite path or postgres:// URL (env FANGS_DB)" },
  config: { type: "string", description: "config file (default config/orchestrator.yaml)" },
  orchestrator: { type: "string", description: "orchestrator base URL: operator commands go through its API instead of the database (scan and runner: default http://127.0.0.1:8443, env FANGS_ORCHESTRATOR)" },
  "operator-token": { type: "string", description: "operator token for -orchestrator (env FANGS_OPERATOR_TOKEN)" },
} as const satisfies ArgsDef;

export const JSON_ARG = { json: { type: "boolean", description: "machine-readable output (stable, for jq)" } } as const satisfies ArgsDef;

export interface Ctx<T extends ArgsDef> extends CommandContext<T & typeof GLOBAL_ARGS> {
  config(): Config;
  /** Opened and migrated on first use; closed by the framework after run(). */
  store(): Promise<Store>;
  /** With -orchestrator URL: the client the command goes through instead of the database. */
  remote(): OrchestratorClient | undefined;
  /** The orchestrator's client (-orchestrator, env FANGS_ORCHESTRATOR or the default URL), for commands that always ask it. */
  orchestrator(): OrchestratorClient;
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
      c.config = () => (cfg ??= loadConfig({ db: ctx.args.db, config: ctx.args.config, "operator-token": ctx.args["operator-token"] }));
      c.store = async () => {
        // A command without a remote mode must not quietly work on the local database instead.
        if (ctx.args.orchestrator !== undefined) {
          throw new FangsError(`this command (${def.meta.name}) works on the database only, not through -orchestrator`, { hint: "drop -orchestrator (run it on the orchestrator's host, with -db)" });
        }
        return (store ??= await openCurrent(c.config().db));
      };
      c.orchestrator = () => new OrchestratorClient({ baseUrl: orchestratorUrl(ctx.args.orchestrator), token: c.config()["operator-token"] });
      c.remote = () => (ctx.args.orchestrator === undefined ? undefined : c.orchestrator());
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
