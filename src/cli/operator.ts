// What an operator command changes goes through this: the orchestrator's API
// with -orchestrator URL, else the service functions on the database (as the
// CLI user). Both are the same OperatorApi, so the command prints one way.
import type { Ctx } from "./command.ts";
import type { OperatorApi } from "../protocol/operator.ts";
import { localOperator } from "../service/operator.ts";
import { cliActor } from "../store/audit.ts";

export async function operator(ctx: Pick<Ctx<{}>, "remote" | "store" | "config">): Promise<OperatorApi> {
  const remote = ctx.remote();
  if (remote) return remote;
  const cfg = ctx.config();
  return localOperator(await ctx.store(), { actor: cliActor(), source: "cli", defaultRegistry: String(cfg.registry), configAllow: cfg.allowlist });
}
