// The runner endpoints of src/protocol/runner.ts. Identity comes only from
// c.get("runnerId") (auth/runner.ts); a runner may stream into and finish only
// the runs it claimed.
import { Hono } from "hono";
import * as v from "valibot";
import type { AppDeps, AppEnv } from "../deps.ts";
import { valid } from "../validate.ts";
import { runnerIdentity } from "../auth/runner.ts";
import { RegisterRequest, HeartbeatRequest, EventBatch, FinishRequest, RUNNER_ID, RUN_ID } from "../../protocol/runner.ts";
import { SandboxSpec } from "../../protocol/sandbox.ts";
import { registerRunner, deregisterRunner, claimNext, storeBatch, failRun, batchStored } from "../../store/queue.ts";
import { getRunner, touchRunner } from "../../store/runners.ts";
import { getRun, setRunSpec } from "../../store/runs.ts";
import { FangsError, NotFoundError } from "../../core/errors.ts";
import { completeRun } from "../finish.ts";
import type { FangsEvent } from "../../events/types.ts";

const ClaimQuery = v.object({ wait: v.optional(v.pipe(v.string(), v.regex(/^\d{1,4}$/, "wait: whole seconds"), v.transform(Number))) });
const RunParam = v.object({ run: RUN_ID });

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The run exists and the caller claimed it. */
export async function ownedRun(d: AppDeps, runId: string, runnerId: string | undefined) {
  if (!runnerId) throw new FangsError("name the runner in the X-Fangs-Runner header", { status: 401 });
  const run = await getRun(d.db, runId);
  if (!run) throw new NotFoundError(`run ${runId}`);
  if (run.runner_id !== runnerId) throw new FangsError(`run ${runId} was not claimed by runner ${runnerId}`, { status: 403 });
  return run;
}

export function runnerRoutes(d: AppDeps) {
  const app = new Hono<AppEnv>();
  const heartbeatS = () => d.cfg["heartbeat-interval"];
  // Register may arrive unnamed (token/open mode: the body names it); every
  // other route needs the caller's id. The app's auth mode is installed once
  // by auth/install.ts.
  const named = runnerIdentity({ required: true });
  const maybeNamed = runnerIdentity({ required: false });

  app.post("/v1/runners/register", maybeNamed, valid("json", RegisterRequest), async (c) => {
    const b = c.req.valid("json");
    const id = c.get("runnerId") ?? b.id ?? b.hostname;
    if (!v.is(RUNNER_ID, id)) throw new FangsError("runner id (hostname) must be letters, digits, . _ - : pass an explicit id", { status: 400 });
    const { failedRuns } = await registerRunner(d.db, { id, hostname: b.hostname, version: b.version ?? null, probes: b.probes, certCn: c.get("runnerAuth").mode === "mtls" ? id : null, resume: b.resume }); // under mTLS id is the certificate CN
    if (failedRuns.length) d.log(`runner ${id} re-registered; its run(s) ${failedRuns.join(", ")} failed`);
    else d.log(`runner ${id} registered`);
    if (b.resume.length) d.log(`runner ${id} resumes run(s) ${b.resume.join(", ")} from its spool`);
    d.dispatch.wake();
    return c.json({ runner_id: id, heartbeat_interval_s: heartbeatS() });
  });

  app.post("/v1/runners/:id/heartbeat", named, valid("json", HeartbeatRequest), async (c) => {
    const id = c.get("runnerId")!;
    if (!(await touchRunner(d.db, id))) throw new FangsError(`runner ${id} is not registered (pruned or never registered)`, { status: 404, hint: "register again" });
    return c.json({ ok: true });
  });

  app.post("/v1/runners/:id/claim", named, valid("query", ClaimQuery), async (c) => {
    const id = c.get("runnerId")!;
    if (!(await getRunner(d.db, id))) throw new FangsError(`runner ${id} is not registered (pruned or never registered)`, { status: 404, hint: "register again" });
    const waitS = Math.min(c.req.valid("query").wait ?? d.cfg["claim-wait"], d.cfg["claim-wait"]);
    const deadline = Date.now() + waitS * 1000;
    const signal = c.req.raw.signal;
    for (;;) {
      if (d.dispatch.closed || signal.aborted) return c.body(null, 204);
      const run = await claimNext(d.db, id);
      if (run) {
        const spec = v.safeParse(SandboxSpec, safeJson(run.spec));
        if (!spec.success) {
          // Never hand out what the runner would reject; never leave it running.
          await failRun(d.db, run.id, `invalid sandbox spec: ${spec.issues[0]?.message ?? "unreadable"}`, "system:dispatch");
          d.log(`run ${run.id} failed at claim: invalid sandbox spec`);
          continue;
        }
        // import-phase: false (config) makes every scan install-only; the run's
        // stored spec says so, so what it shows is what ran.
        if (!d.cfg["import-phase"] && spec.output.import_phase !== false) {
          spec.output.import_phase = false;
          await setRunSpec(d.db, run.id, JSON.stringify(spec.output));
        }
        d.log(`run ${run.id} (${JSON.stringify(run.package)}@${JSON.stringify(run.version)}) claimed by ${id}`);
        return c.json({ run: { id: run.id, package: run.package, version: run.version, spec: spec.output } });
      }
      const left = deadline - Date.now();
      if (left <= 0) return c.body(null, 204);
      // Re-check at least every second: another process may have queued.
      await d.dispatch.wait(Math.min(left, 1000), signal);
    }
  });

  app.delete("/v1/runners/:id", named, async (c) => {
    const id = c.get("runnerId")!;
    if (!(await deregisterRunner(d.db, id))) throw new NotFoundError(`runner ${id}`);
    d.log(`runner ${id} deregistered`);
    return c.json({ ok: true });
  });

  app.post("/v1/runs/:run/events", named, valid("param", RunParam), valid("json", EventBatch), async (c) => {
    const runnerId = c.get("runnerId");
    const { run: runId } = c.req.valid("param");
    const b = c.req.valid("json");
    const run = await ownedRun(d, runId, runnerId);
    if (run.status !== "running") {
      // A retry of a batch stored before the run ended is still acknowledged.
      if (await batchStored(d.db, runId, b.batch_seq)) return c.json({ stored: 0, duplicate: true });
      throw new FangsError(`run ${runId} is ${run.status}; it accepts no more events`, { status: 409 });
    }
    const ack = await storeBatch(d.db, runId, b.batch_seq, b.events as FangsEvent[]);
    if (ack.duplicate) d.metrics.batchesDuplicate.inc();
    else d.metrics.eventsIngested.inc(ack.stored);
    return c.json(ack);
  });

  app.post("/v1/runs/:run/finish", named, valid("param", RunParam), valid("json", FinishRequest), async (c) => {
    const runnerId = c.get("runnerId");
    const { run: runId } = c.req.valid("param");
    const run = await ownedRun(d, runId, runnerId);
    const result = await completeRun(d, run, runnerId!, c.req.valid("json"));
    return c.json({ ok: true, ...result });
  });

  return app;
}
