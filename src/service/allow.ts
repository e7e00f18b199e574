// Allowlist entries: add (stored normalized, refused when the same rule
// exists) and remove by id or unique prefix; the store writes the row and its
// audit record in one transaction.
import type { Store } from "../store/index.ts";
import { FangsError } from "../core/errors.ts";
import { addAllow, removeAllow } from "../store/allowlist.ts";
import { packageNameError } from "../protocol/npm_names.ts";
import { allowJson } from "../protocol/api.ts";
import type { AllowAddRequest, AllowResult } from "../protocol/operator.ts";

export async function allowAdd(db: Store, req: AllowAddRequest, who: { actor: string; source: "cli" | "api" }): Promise<AllowResult> {
  if (req.package) {
    const err = packageNameError(req.package);
    if (err) throw new FangsError(`bad -package: ${err}`);
  }
  return allowJson(await addAllow(db, { kind: req.kind, value: req.value, package: req.package ?? null, note: req.note ?? null, source: who.source }, who.actor));
}

export async function allowRemove(db: Store, idOrPrefix: string, actor: string): Promise<AllowResult> {
  return allowJson(await removeAllow(db, idOrPrefix, actor));
}
