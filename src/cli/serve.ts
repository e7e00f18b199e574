// `fangs serve`: the orchestrator. Every setting of the config registry is a
// flag (flag > env FANGS_* > config/orchestrator.yaml > default).
import type { ArgsDef } from "citty";
import { command } from "./command.ts";
import { SETTINGS, loadConfig, type Setting } from "../core/config.ts";
import { startOrchestrator } from "../orchestrator/server.ts";
import { reportAndExit } from "./output.ts";

const args: ArgsDef = {};
for (const s of SETTINGS as readonly Setting[]) {
  if (s.name === "db" || s.name === "config") continue; // global flags already
  args[s.name] = { type: s.kind === "bool" ? "boolean" : "string", description: `${s.help}${s.default !== undefined ? ` (default ${s.default})` : ""}` };
}

export default command({
  meta: { name: "serve", description: "run the orchestrator: HTTP API, queue, runner pool, watcher, differ, retention, /metrics" },
  args,
  async run(ctx) {
    const flags: Record<string, unknown> = {};
    for (const s of SETTINGS as readonly Setting[]) {
      const v = (ctx.args as Record<string, unknown>)[s.name];
      if (v !== undefined && v !== "") flags[s.name] = v;
    }
    const cfg = loadConfig(flags);
    // Handlers go in before start-up so a signal during it is not fatal: it
    // is remembered and honoured once the orchestrator can shut down cleanly.
    let pending: string | undefined;
    let onSignal: ((sig: string) => void) | undefined;
    const signalled = (sig: string) => (onSignal ? onSignal(sig) : (pending ??= sig));
    process.once("SIGINT", () => signalled("SIGINT"));
    process.once("SIGTERM", () => signalled("SIGTERM"));
    const orch = await startOrchestrator(cfg);
    await new Promise<void>((resolve) => {
      onSignal = (sig) => void orch.shutdown(sig).then(resolve, (e) => reportAndExit(e));
      // Announce the bound address on stdout (tests and scripts read it; -listen 127.0.0.1:0 picks a port).
      process.stdout.write(`fangs serve: listening on ${orch.listener.url}\n`);
      if (pending) onSignal(pending);
    });
    process.exit(0);
  },
});
