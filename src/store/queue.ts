// The scan queue's state transitions: register (a runner coming back fails the
// run it held), claim, event batches, finish, deregister and prune. Each is one
// transaction with its audit row, and guarded by the state it expects (a
// conditional UPDATE), so two orchestrator processes or a retried request
// cannot move a run twice.
import type { Kysely, Transaction } from "kysely";
import type { DB, Run, Runner } from "./schema.ts";
import { audit } from "./audit.ts";
import { insertEvents } from "./events.ts";
import { saveRuntimeBaseline } from "./runtime.ts";
import type { FangsEvent } from "../events/types.ts";
import type { FinishRequest } from "../protocol/runner.ts";
import { EXIT_DOCKER_START, exitReason } from "../protocol/sandbox.ts";

type Db = Kysely<DB>;
type Trx = Transaction<DB>;


/** Fail every run a runner holds (a runner may work on several at once), but those in `keep`. */
/** A note appended to the failure reason of a run claimed at `claimedAt` (e.g. a database outage it lived through). */
export type RunNote = (claimedAt: number) => string;

async function failHeldRuns(trx: Trx, runnerId: string, reason: string, actor: string, now: number, keep: readonly string[] = [], note?: RunNote): Promise<string[]> {
  const held = await trx.selectFrom("runs").select(["id", "claimed_at"]).where("runner_id", "=", runnerId).where("status", "=", "running").execute();
  const failed: string[] = [];
  for (const { id, claimed_at } of held) {
    if (keep.includes(id)) continue;
    const why = reason + (note?.(claimed_at ?? 0) ?? "");
    const r = await trx
      .updateTable("runs")
      .set({ status: "failed", failure_reason: why, finished_at: now })
      .where("id", "=", id)
      .where("status", "=", "running")
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) continue;
    await audit(trx, { actor, action: "run.fail", target_kind: "run", target_id: id, before: { status: "running" }, after: { status: "failed", failure_reason: why } });
    failed.push(id);
  }
  return failed;
}

export interface RegisterRunner {
  id: string;
  hostname: string;
  version?: string | null;
  probes?: unknown[];
  certCn?: string | null;
  /** Runs the restarted runner will still report (their end is in its spool). */
  resume?: readonly string[];
}

/** Insert or refresh a runner. A runner that registers again has restarted:
 * whatever run it held is lost, so that run is failed (never left running),
 * unless the runner names it in `resume` (it spooled the run's end). */
export async function registerRunner(db: Db, r: RegisterRunner, now = Date.now()): Promise<{ failedRuns: string[] }> {
  return db.transaction().execute(async (trx) => {
    const prev = await trx.selectFrom("runners").selectAll().where("id", "=", r.id).executeTakeFirst();
    const failedRuns = await failHeldRuns(trx, r.id, "runner restarted (re-registered) while the run was active", `runner:${r.id}`, now, r.resume ?? []);
    const row = {
      hostname: r.hostname,
      cert_cn: r.certCn ?? null,
      version: r.version ?? null,
      probes: JSON.stringify(r.probes ?? []),
      registered_at: now,
      last_heartbeat_at: now,
      active_run_id: null,
    };
    if (prev) await trx.updateTable("runners").set(row).where("id", "=", r.id).execute();
    else await trx.insertInto("runners").values({ id: r.id, ...row }).execute();
    return { failedRuns };
  });
}

/** Remove runners silent since before `staleBefore`, failing their active
 * runs; also fail any running run whose runner is gone (never left running). */
export async function pruneStaleRunners(db: Db, staleBefore: number, now = Date.now(), note?: RunNote): Promise<Array<{ runner: string; failedRuns: string[] }>> {
  return db.transaction().execute(async (trx) => {
    const stale = await trx.selectFrom("runners").selectAll().where("last_heartbeat_at", "<", staleBefore).execute();
    const out: Array<{ runner: string; failedRuns: string[] }> = [];
    for (const s of stale) {
      const silentS = Math.round((now - s.last_heartbeat_at) / 1000);
      const failedRuns = await failHeldRuns(trx, s.id, `runner ${s.id} stopped heartbeating (silent for ${silentS}s) and was pruned`, "system:pruner", now, [], note);
      await trx.deleteFrom("runners").where("id", "=", s.id).execute();
      out.push({ runner: s.id, failedRuns });
    }
    const orphans = await trx
      .selectFrom("runs")
      .select(["id", "runner_id"])
      .where("status", "=", "running")
      .where((eb) => eb.or([eb("runner_id", "is", null), eb.not(eb.exists(eb.selectFrom("runners").select("runners.id").whereRef("runners.id", "=", "runs.runner_id")))]))
      .execute();
    for (const o of orphans) {
      const failedRuns = await failHeldRuns(trx, o.runner_id ?? "", `runner ${o.runner_id ?? "(none)"} is gone (pruned or deregistered) while the run was active`, "system:pruner", now, [], note);
      if (failedRuns.length) out.push({ runner: o.runner_id ?? "(none)", failedRuns });
    }
    return out;
  });
}

/** Fail one running run (guarded: a run already ended is left alone). */
export async function failRun(db: Db, runId: string, reason: string, actor: string, now = Date.now()): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const r = await trx.updateTable("runs").set({ status: "failed", failure_reason: reason, finished_at: now }).where("id", "=", runId).where("status", "=", "running").executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return false;
    await audit(trx, { actor, action: "run.fail", target_kind: "run", target_id: runId, before: { status: "running" }, after: { status: "failed", failure_reason: reason } });
    return true;
  });
}

/** Running runs claimed longer ago than their sandbox duration plus `graceMs`
 * (counted from `notBefore` at the earliest):
 * the runner is alive but never reported the end, so they are failed. */
export async function failOverdueRuns(db: Db, graceMs: number, now = Date.now(), notBefore = 0, note?: RunNote): Promise<string[]> {
  const running = await db.selectFrom("runs").select(["id", "spec", "claimed_at", "runner_id"]).where("status", "=", "running").execute();
  const failed: string[] = [];
  for (const r of running) {
    let durationS = 60;
    try {
      durationS = Number(JSON.parse(r.spec).duration_s) || 60;
    } catch {}
    // notBefore: the orchestrator's start; a report it could not receive while down is not late.
    const deadline = Math.max((r.claimed_at ?? 0) + durationS * 1000, notBefore) + graceMs;
    if (deadline >= now) continue;
    const reason = `runner ${r.runner_id} did not report the end of the run within its ${durationS}s duration plus ${Math.round(graceMs / 1000)}s${note?.(r.claimed_at ?? 0) ?? ""}`;
    if (await failRun(db, r.id, reason, "system:pruner", now)) failed.push(r.id);
  }
  return failed;
}

/** A runner leaves on purpose. Its active run, if any, is failed. */
export async function deregisterRunner(db: Db, id: string, now = Date.now()): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const prev = await trx.selectFrom("runners").selectAll().where("id", "=", id).executeTakeFirst();
    if (!prev) return false;
    await failHeldRuns(trx, id, `runner ${id} deregistered while the run was active`, `runner:${id}`, now);
    await trx.deleteFrom("runners").where("id", "=", id).execute();
    return true;
  });
}

/** Hand the oldest queued scan this runner may take to it, or undefined. */
export async function claimNext(db: Db, runnerId: string, now = Date.now()): Promise<Run | undefined> {
  return db.transaction().execute(async (trx) => {
    // Pruned while its long-poll waited: a run claimed now would have no owner.
    if (!(await trx.selectFrom("runners").select("id").where("id", "=", runnerId).executeTakeFirst())) return undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const next = await trx
        .selectFrom("runs")
        .selectAll()
        .where("status", "=", "queued")
        .where((eb) => eb.or([eb("runner_target", "is", null), eb("runner_target", "=", runnerId)]))
        .orderBy("created_at")
        .orderBy("id")
        .limit(1)
        .executeTakeFirst();
      if (!next) return undefined;
      // Guarded: on Postgres another orchestrator transaction may have won.
      const r = await trx
        .updateTable("runs")
        .set({ status: "running", runner_id: runnerId, claimed_at: now })
        .where("id", "=", next.id)
        .where("status", "=", "queued")
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) continue;
      await trx.updateTable("runners").set({ active_run_id: next.id, last_heartbeat_at: now }).where("id", "=", runnerId).execute();
      await audit(trx, { actor: `runner:${runnerId}`, action: "run.claim", target_kind: "run", target_id: next.id, before: { status: "queued" }, after: { status: "running", runner_id: runnerId } });
      return { ...next, status: "running" as const, runner_id: runnerId, claimed_at: now };
    }
    return undefined;
  });
}

/** Store one event batch exactly once: the event_batches row and the events
 * commit together, so a batch acknowledged is a batch stored, and a retried
 * batch (same run, same batch_seq) is a no-op acknowledged as a duplicate.
 * `stored` is what was really inserted: events_count counts each seq once. */
export async function storeBatch(db: Db, runId: string, batchSeq: number, events: FangsEvent[], now = Date.now()): Promise<{ stored: number; duplicate: boolean }> {
  return db.transaction().execute(async (trx) => {
    const r = await trx
      .insertInto("event_batches")
      .values({ run_id: runId, seq: batchSeq, count: events.length, received_at: now })
      .onConflict((oc) => oc.columns(["run_id", "seq"]).doNothing())
      .executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0n) === 0) return { stored: 0, duplicate: true };
    // Events are keyed by their seq in the run: the same events re-sent under
    // a new batch number are stored (and counted) once too.
    const stored = await insertEvents(trx, runId, events);
    if (stored) await trx.updateTable("runs").set((eb) => ({ events_count: eb("events_count", "+", stored) })).where("id", "=", runId).execute();
    if (stored !== events.length) await trx.updateTable("event_batches").set({ count: stored }).where("run_id", "=", runId).where("seq", "=", batchSeq).execute();
    return { stored, duplicate: events.length > 0 && stored === 0 };
  });
}

/** Record how a run ended. Returns the updated run, or undefined when the run
 * was not running under this runner (already finished, pruned, or not its). */
export async function finishRun(db: Db, runId: string, runnerId: string, f: FinishRequest, now = Date.now()): Promise<Run | undefined> {
  return db.transaction().execute(async (trx) => {
    // 125: the container never ran, whatever the runner called it.
    const status = f.exit_code === EXIT_DOCKER_START ? "failed" : f.status;
    const known = exitReason(f.exit_code, status);
    const reason = [known, f.failure_reason].filter(Boolean).join(": ") || null;
    const r = await trx
      .updateTable("runs")
      .set({
        status,
        exit_code: f.exit_code,
        failure_reason: reason,
        finished_at: now,
        events_dropped: f.events_dropped,
        batch_send_errors: f.batch_send_errors ?? 0,
        drops_ringbuf: f.losses?.ringbuf ?? 0,
        drops_read: f.losses?.read ?? 0,
        drops_decode: f.losses?.decode ?? 0,
        drops_unrouted: f.losses?.unrouted ?? 0,
        events_unacked: f.losses?.unacked ?? 0,
        events_emitted: f.events_emitted ?? null,
        timings: JSON.stringify({ ...(f.timings ?? {}), events_sent: f.events_sent }),
        bait: f.bait?.length ? JSON.stringify(f.bait) : null,
        project_dir: f.project_dir ?? null,
        image_id: f.runtime?.image_id ?? null,
      })
      .where("id", "=", runId)
      .where("runner_id", "=", runnerId)
      .where("status", "=", "running")
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return undefined;
    if (f.runtime) await saveRuntimeBaseline(trx, f.runtime.image_id, f.runtime.fingerprints, `runner:${runnerId}`, now);
    // active_run_id shows one run the runner still holds (it may run several).
    const still = await trx.selectFrom("runs").select("id").where("runner_id", "=", runnerId).where("status", "=", "running").orderBy("claimed_at", "desc").limit(1).executeTakeFirst();
    await trx.updateTable("runners").set({ active_run_id: still?.id ?? null, last_heartbeat_at: now }).where("id", "=", runnerId).execute();
    await audit(trx, { actor: `runner:${runnerId}`, action: "run.finish", target_kind: "run", target_id: runId, before: { status: "running" }, after: { status, exit_code: f.exit_code, failure_reason: reason, events_dropped: f.events_dropped, losses: f.losses ?? null, events_emitted: f.events_emitted ?? null } });
    return trx.selectFrom("runs").selectAll().where("id", "=", runId).executeTakeFirst();
  });
}

/** A batch with this sequence number was stored for the run (a retry after the run ended is still acknowledged). */
export async function batchStored(db: Kysely<DB>, runId: string, seq: number): Promise<boolean> {
  return !!(await db.selectFrom("event_batches").select("seq").where("run_id", "=", runId).where("seq", "=", seq).executeTakeFirst());
}
