// Shared by `notifier enable` and `notifier disable`.
import type { OperatorApi } from "../../protocol/operator.ts";
import { printJson, safe } from "../output.ts";

export async function toggle(api: OperatorApi, name: string, enabled: boolean, json: boolean | undefined): Promise<void> {
  const { notifier: p, changed } = await api.notifierSetEnabled(name, enabled);
  if (json) return printJson(p);
  console.log(`notifier ${safe(p.name)} ${changed ? "is now" : "was already"} ${p.enabled ? "enabled" : "disabled"}`);
}
