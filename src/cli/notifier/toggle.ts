// Shared by `notifier enable` and `notifier disable`.
import type { Store } from "../../store/index.ts";
import { cliActor } from "../../store/audit.ts";
import { notifierPublic, setNotifierEnabled } from "../../store/notifiers.ts";
import { printJson, safe } from "../output.ts";

export async function toggle(db: Store, name: string, enabled: boolean, json: boolean | undefined): Promise<void> {
  const { notifier, changed } = await setNotifierEnabled(db, name, enabled, cliActor());
  const p = notifierPublic(notifier);
  if (json) return printJson(p);
  console.log(`notifier ${safe(p.name)} ${changed ? "is now" : "was already"} ${p.enabled ? "enabled" : "disabled"}`);
}
