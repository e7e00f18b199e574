// Notifier targets: add (checked before they reach the database), remove,
// enable/disable. Secrets never come back: the answers are notifierPublic.
import type { Store } from "../store/index.ts";
import { addNotifier, notifierPublic, removeNotifier, setNotifierEnabled } from "../store/notifiers.ts";
import type { NotifierAddRequest, NotifierJson, NotifierToggleResult } from "../protocol/operator.ts";

export async function notifierAdd(db: Store, req: NotifierAddRequest, actor: string): Promise<NotifierJson> {
  const headers = req.headers == null ? null : typeof req.headers === "string" ? req.headers : JSON.stringify(req.headers);
  const n = await addNotifier(db, { name: req.name, url: req.url, template: req.template, secretEnv: req.secret_env, minSeverity: req.min_severity, headers, enabled: req.enabled }, actor);
  return notifierPublic(n);
}

export async function notifierRemove(db: Store, name: string, actor: string): Promise<NotifierJson> {
  return notifierPublic(await removeNotifier(db, name, actor));
}

export async function notifierSetEnabled(db: Store, name: string, enabled: boolean, actor: string): Promise<NotifierToggleResult> {
  const { notifier, changed } = await setNotifierEnabled(db, name, enabled, actor);
  return { notifier: notifierPublic(notifier), changed };
}
