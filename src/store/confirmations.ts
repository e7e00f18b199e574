// Releases an operator confirmed malicious (`fangs run confirm`): the input
// of `fangs run report -format osv`. Confirming is an operator decision, so
// it is audited like promotion.
import type { Kysely, Transaction } from "kysely";
import type { DB, Run } from "./schema.ts";
import { audit } from "./audit.ts";
import { FangsError } from "../core/errors.ts";

type Db = Kysely<DB> | Transaction<DB>;

export interface Confirmation { run_id: string; confirmed_at: number; actor: string; note: string | null }

export async function getConfirmation(db: Db, runId: string): Promise<Confirmation | undefined> {
  return db.selectFrom("run_confirmations").selectAll().where("run_id", "=", runId).executeTakeFirst();
}

export async function confirmRun(db: Db, run: Run, note: string | null, actor: string): Promise<Confirmation> {
  if (run.deviation_count === 0) throw new FangsError(`run ${run.id} has no deviations: nothing to confirm as malicious`, { hint: `fangs deviation list -run ${run.id.slice(0, 12)}` });
  const before = await getConfirmation(db, run.id);
  if (before) throw new FangsError(`run ${run.id} is already confirmed malicious (by ${before.actor})`, { hint: `fangs run report ${run.id.slice(0, 12)} -format osv` });
  const row = { run_id: run.id, confirmed_at: Date.now(), actor, note };
  await db.insertInto("run_confirmations").values(row).execute();
  await audit(db, { actor, action: "run.confirm_malicious", target_kind: "run", target_id: run.id, after: { package: run.package, version: run.version, note } });
  return row;
}
