// A runner reports a run's end: record the outcome, run the differ, hand runs
// with deviations to the hooks (notifiers). The differ's failure never loses
// the recorded outcome: the run stays finished with no verdict, and says why.
import type { AppDeps } from "./deps.ts";
import type { Run } from "../store/schema.ts";
import type { FinishRequest } from "../protocol/runner.ts";
import { finishRun } from "../store/queue.ts";
import { EXIT_DOCKER_START } from "../protocol/sandbox.ts";
import { diffRun } from "../triage/diff.ts";
import { getRun } from "../store/runs.ts";
import { FangsError } from "../core/errors.ts";
import { inBackground } from "./deps.ts";
import { unwritableReason } from "../store/unwritable.ts";
import { releaseDiffFor } from "./release_diff.ts";

export interface FinishResult {
  status: Run["status"];
  verdict: string | null;
  deviations: number;
  max_severity: string | null;
}

export async function completeRun(d: AppDeps, run: Run, runnerId: string, f: FinishRequest): Promise<FinishResult> {
  if (run.status !== "running") {
    // A retried finish (the first answer was lost) gets the same answer.
    const expected = f.exit_code === EXIT_DOCKER_START ? "failed" : f.status;
    if (run.status === expected && run.exit_code === f.exit_code) {
      // The first report was stored but the orchestrator died before the
      // differ ran (kill -9, power): the retry runs it now.
      if (run.verdict === null && run.status !== "failed") return diffEnded(d, run);
      return { status: run.status, verdict: run.verdict, deviations: Number(run.deviation_count), max_severity: run.max_severity };
    }
    throw new FangsError(`run ${run.id} is already ${run.status}${run.failure_reason ? ` (${run.failure_reason})` : ""}`, { status: 409 });
  }
  const ended = await finishRun(d.db, run.id, runnerId, f);
  if (!ended) throw new FangsError(`run ${run.id} is no longer running`, { status: 409 });
  d.log(`run ${run.id} ${ended.status} exit=${ended.exit_code ?? "-"}${ended.failure_reason ? ` reason=${JSON.stringify(ended.failure_reason)}` : ""}`);
  d.dispatch.wake();
  if (ended.status === "failed") {
    d.metrics.runsCompleted.inc({ status: ended.status, verdict: "none" });
    return { status: ended.status, verdict: null, deviations: 0, max_severity: null };
  }
  return diffEnded(d, ended);
}

/** Diff an ended run (a timed-out install too: stalling must not hide what
 *  ran) and hand runs with deviations to the hooks. */
async function diffEnded(d: AppDeps, run: Run): Promise<FinishResult> {
  const ended = run;
  try {
    const r = await diffRun(d.db, run.id, { cleanRunsToPromote: d.cfg["clean-runs-to-promote"], configAllow: d.cfg.allowlist });
    d.metrics.runsCompleted.inc({ status: ended.status, verdict: r.verdict });
    d.log(`run ${run.id} verdict ${r.verdict} (${r.deviations} deviations${r.maxSeverity ? `, max ${r.maxSeverity}` : ""})`);
    if (r.verdict === "incomplete") d.log(`run ${run.id} evidence incomplete: ${r.issues?.join("; ")}`);
    // Issue 14: the release diff and the join, once, before the notifiers read them.
    await releaseDiffFor(d.db, run).catch((e) => d.log(`release diff failed for run ${run.id}: ${(e as Error).stack ?? e}`));
    if (r.deviations > 0) {
      const fresh = (await getRun(d.db, run.id)) ?? ended;
      inBackground(d, d.hooks.runDeviations(fresh, d.log));
    }
    return { status: ended.status, verdict: r.verdict, deviations: r.deviations, max_severity: r.maxSeverity };
  } catch (e) {
    // The database refused the differ's writes (disk full, read-only): answer
    // 503 so the runner re-sends the report, and the retry diffs the run.
    if (unwritableReason(e)) throw e;
    d.metrics.runsCompleted.inc({ status: ended.status, verdict: "differ_error" });
    d.log(`differ failed for run ${run.id}: ${(e as Error).stack ?? e}`);
    return { status: ended.status, verdict: null, deviations: 0, max_severity: null };
  }
}
