// Tests that drive the differ straight over the store stand in for a runner:
// a run reaches the differ only after it ended, and only a run that ended by
// itself with exit 0 is complete evidence (src/differ/evidence.ts).
import type { Kysely } from "kysely";
import type { DB } from "../../src/store/schema.ts";

export async function markFinished(db: Kysely<DB>, runId: string, exitCode = 0): Promise<void> {
  await db.updateTable("runs").set({ status: "finished", exit_code: exitCode, finished_at: Date.now() }).where("id", "=", runId).execute();
}
