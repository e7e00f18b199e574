// Shared by `notifier enable` and `notifier disable`.
import type { Ctx } from "../command.ts";
import { cliActor } from "../../store/audit.ts";
import { notifierSetEnabled } from "../../service/notifiers.ts";
import { printJson, safe } from "../output.ts";

export async function toggle(ctx: Pick<Ctx<{}>, "remote" | "store">, name: string, enabled: boolean, json: boolean | undefined): Promise<void> {
  const remote = ctx.remote();
  const { notifier: p, changed } = remote ? await remote.notifierSetEnabled(name, enabled) : await notifierSetEnabled(await ctx.store(), name, enabled, cliActor());
  if (json) return printJson(p);
  console.log(`notifier ${safe(p.name)} ${changed ? "is now" : "was already"} ${p.enabled ? "enabled" : "disabled"}`);
}
