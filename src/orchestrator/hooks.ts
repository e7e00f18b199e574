// Extension points for what happens after a run. Notifiers (a later issue)
// register here; the orchestrator calls every hook for each run whose differ
// verdict is "deviations". A failing hook is logged and never fails the run.
import type { Run } from "../store/schema.ts";

export type DeviationsHook = (run: Run) => void | Promise<void>;

export class Hooks {
  readonly onDeviations: DeviationsHook[] = [];

  async runDeviations(run: Run, log: (msg: string) => void): Promise<void> {
    for (const h of this.onDeviations) {
      try {
        await h(run);
      } catch (e) {
        log(`onDeviations hook failed for run ${run.id}: ${(e as Error).message}`);
      }
    }
  }
}
