// The runner daemon: clean what a hard kill left, register, heartbeat, claim
// (long-poll) with `concurrency` workers, run each scan in the sandbox with the
// sensor watching its cgroup, stream events, finish. stop() (SIGTERM) stops the
// active containers, removes their cgroups, deregisters.
import { hostname } from "node:os";
import { oneLine } from "../core/errors.ts";
import { VERSION } from "../core/version.ts";
import type { FinishRequest } from "../protocol/runner.ts";
import { listOrphanCgroups, removeOrphanCgroups, removeRunCgroups } from "../sensor/cgroup.ts";
import type { Sensor } from "../sensor/types.ts";
import { OrchestratorClient, OrchestratorError, withRetry } from "../client/orchestrator.ts";
import type { Spool } from "./spool.ts";
import { RunOwners } from "./owners.ts";
import type { Docker } from "./docker.ts";
import { EventPump } from "./pump.ts";
import { runSandbox } from "./sandbox/run.ts";
import { baitValues } from "./bait.ts";
import { CONTROL_PACKAGE, controlPlant } from "./control.ts";
import { DEFAULT_SPEC } from "../protocol/sandbox.ts";
import { newId } from "../core/ids.ts";
import type { FangsEvent } from "../events/types.ts";
import type { SensorEvent } from "../sensor/types.ts";
import { extractFingerprints } from "../differ/fingerprint.ts";
import { runtimeFingerprints } from "../differ/runtime.ts";
import { RUN_LABEL, RUNNER_LABEL } from "./sandbox/spec.ts";
import { deliver, EventStreamer, isFinal, type Batch } from "./streamer.ts";
import { npmFailureReason } from "./npm_error.ts";
import { reportManifest } from "../manifest/report.ts";

/** Run ids are 16 hex digits (core/ids.ts newId); other fangs/* names are not ours to remove. */
const RUN_ID = /^[0-9a-f]{16}$/;

export interface RunnerOptions {
  client: OrchestratorClient;
  docker: Docker;
  sensor: Sensor;
  image: string;
  concurrency: number;
  log: (line: string) => void;
  /** Heartbeat period; default 5 s, or the orchestrator's own interval when it asks for shorter. */
  heartbeatS?: number;
  claimWaitS?: number;
  /** Durable outbox for event batches and end-of-run reports (none: memory only). */
  spool?: Spool;
  /** Which process owns each run's sandbox on this host (default /run/fangs/runs). */
  owners?: RunOwners;
  /** How long stop() keeps trying to deliver what is unacknowledged before leaving it in the spool. */
  stopDeliverMs?: number;
}

export class Runner {
  private readonly stopping = new AbortController();
  /** Aborted a while after stopping began: deliveries then stop retrying (the spool keeps them). */
  private readonly giveUp = new AbortController();
  private readonly resuming = new Set<Promise<void>>();
  private readonly active = new Map<string, Promise<void>>();
  private readonly ownRuns = new Set<string>();
  private readonly pump: EventPump;
  private readonly owners: RunOwners;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private workers: Promise<void>[] = [];
  runsDone = 0;
  private serverHeartbeatS: number | undefined;
  private registered = false;
  private beatFailures = 0;
  /** The runtime baseline per sandbox image id, learned once by a control install. */
  private readonly runtimes = new Map<string, Promise<FinishRequest["runtime"]>>();

  constructor(private readonly o: RunnerOptions) {
    this.pump = new EventPump(o.sensor);
    this.owners = o.owners ?? new RunOwners();
  }

  get id(): string { return this.o.client.runnerId; }

  async start(): Promise<void> {
    const { log } = this.o;
    await this.removeOrphans();
    // What a previous process of this runner left unacknowledged: runs whose
    // end it had recorded are resumed (the orchestrator keeps them running),
    // the others were cut short and are failed by the registration.
    const spooled = this.o.spool?.runs() ?? [];
    const resume = spooled.filter((r) => r.finish).map((r) => r.runId);
    for (const r of spooled.filter((r) => !r.finish)) {
      log(`runner: run ${r.runId} was interrupted by a runner restart (no end recorded): its ${r.batches.length} spooled batch(es) are discarded and the orchestrator fails the run`);
      this.o.spool!.drop(r.runId);
    }
    await this.register(resume);
    for (const runId of resume) {
      const p = this.resume(runId).finally(() => this.resuming.delete(p));
      this.resuming.add(p);
    }
    this.pump.start();
    const every = Math.max(0.5, Math.min(this.o.heartbeatS ?? 5, this.serverHeartbeatS ?? 5));
    this.heartbeat = setInterval(() => void this.beat(), every * 1000);
    // Learn the default image's runtime now, before any run's clock is ticking
    // (a scan claimed meanwhile waits for the same promise).
    void this.runtimeFor(this.o.image);
    for (let i = 0; i < Math.max(1, this.o.concurrency); i++) this.workers.push(this.work(i));
    log(`runner ${this.id}: ready (concurrency ${this.o.concurrency}, image ${this.o.image}, orchestrator ${this.o.client.base})`);
  }

  /** Resolves when stop() has finished. */
  async done(): Promise<void> {
    await Promise.all(this.workers);
  }

  /** Leftovers of a hard kill, whatever their age: every sandbox container
   *  and fangs/<run> cgroup whose owning runner process on this host is gone
   *  (and this runner id's own). Containers and cgroups a live runner owns
   *  are left alone; an unrecorded cgroup (an older fangs, a test) goes once
   *  it is a minute old and no container uses it. */
  async removeOrphans(): Promise<void> {
    const { docker, log } = this.o;
    const leftovers = new Set(this.owners.dead());
    for (const c of await docker.listContainers(RUN_LABEL)) {
      const runId = c.Labels?.[RUN_LABEL] ?? "";
      const st = RUN_ID.test(runId) ? this.owners.state(runId) : "none";
      if (st === "alive") continue;
      if (st === "none" && c.Labels?.[RUNNER_LABEL] !== this.id && c.State === "running") continue; // not ours to judge
      log(`runner: removing leftover container ${c.Names?.[0] ?? c.Id.slice(0, 12)} (${c.State}; run ${runId}, its runner is gone)`);
      await docker.remove(c.Id).catch((e) => log(`runner: remove leftover container: ${oneLine(e)}`));
      if (RUN_ID.test(runId)) leftovers.add(runId);
    }
    for (const runId of leftovers) {
      try {
        if (removeRunCgroups(runId).length) log(`runner: removed orphan cgroup fangs/${runId} (its runner is gone)`);
        this.owners.release(runId);
      } catch (e) {
        log(`runner: orphan cgroup not removed: ${oneLine(e)}`);
      }
    }
    const live = (await docker.listContainers(RUN_LABEL)).map((c) => c.Labels?.[RUN_LABEL]);
    const owned = listOrphanCgroups().filter((id) => this.owners.state(id) === "alive");
    const inUse = [...live, ...owned, ...this.active.keys()].filter((id): id is string => !!id);
    const { removed, failed } = removeOrphanCgroups(inUse, { minAgeMs: 60_000, name: RUN_ID });
    for (const runId of removed) log(`runner: removed orphan cgroup fangs/${runId}`);
    for (const f of failed) log(`runner: orphan cgroup not removed: ${f}`);
  }

  private async register(resume: string[] = []): Promise<void> {
    const { client, sensor, log } = this.o;
    const res = await withRetry(() => client.register(hostname(), VERSION, sensor.probes, resume), {
      attempts: Number.POSITIVE_INFINITY,
      signal: this.stopping.signal,
      onError: (e, n) => { if (n === 1 || n % 10 === 0) log(`runner: register failed (attempt ${n}): ${oneLine(e)}`); },
    });
    this.serverHeartbeatS = res.heartbeat_interval_s;
    this.registered = true;
    log(`runner ${client.runnerId}: registered with ${client.base}`);
  }

  private async beat(): Promise<void> {
    const active = [...this.active.keys()][0] ?? null;
    try {
      await this.o.client.heartbeat(active);
      if (this.beatFailures) this.o.log(`runner: heartbeat back after ${this.beatFailures} failure(s)`);
      this.beatFailures = 0;
    } catch (e) {
      // An outage is a few lines, not one a second.
      if (this.beatFailures++ % 30 === 0) this.o.log(`runner: heartbeat failed${this.beatFailures > 1 ? ` (${this.beatFailures} in a row)` : ""}: ${oneLine(e)}`);
      if (e instanceof OrchestratorError && e.httpStatus === 404 && !this.stopping.signal.aborted) await this.register().catch(() => {});
    }
  }

  private async work(n: number): Promise<void> {
    const { client, log } = this.o;
    let backoff = 500;
    while (!this.stopping.signal.aborted) {
      let run;
      try {
        run = await client.claim(this.o.claimWaitS ?? 25, this.stopping.signal);
        backoff = 500;
      } catch (e) {
        if (this.stopping.signal.aborted) break;
        log(`runner: claim failed (worker ${n}): ${oneLine(e)}`);
        if (e instanceof OrchestratorError && e.httpStatus === 404) await this.register().catch(() => {});
        await Bun.sleep(backoff);
        backoff = Math.min(backoff * 2, 10_000);
        continue;
      }
      if (!run) continue;
      const p = this.execute(run.id, run.package, run.version, run.spec);
      this.active.set(run.id, p);
      await p.finally(() => this.active.delete(run.id));
    }
  }

  /** One claimed scan, from sandbox to finish. Never throws: a failure is a failed run. */
  private async execute(runId: string, pkg: string, version: string, spec: import("../protocol/sandbox.ts").SandboxSpec): Promise<void> {
    const { client, docker, sensor, log } = this.o;
    const tClaim = performance.now();
    this.ownRuns.add(runId);
    this.owners.claim(runId); // before the cgroup exists: a runner starting now leaves it alone
    log(`run ${runId}: claimed ${JSON.stringify(pkg)}@${JSON.stringify(version)} network=${spec.network} registry=${spec.registry_url}`);
    // The image's runtime baseline first (a control install, once per image id).
    const runtime = await this.runtimeFor(spec.image ?? this.o.image);
    const streamer = new EventStreamer(client, runId, log, { spool: this.o.spool, signal: this.giveUp.signal });
    let cgroupId: bigint | null = null;
    const drops = { ringbuf: 0, read: 0, decode: 0, unrouted: 0 };
    // The pump cannot tell whose an unrouted event was: any that arrive while
    // this run is active count against it (conservative: incomplete, never clean).
    const unroutedAtStart = this.pump.unrouted;
    const result = await runSandbox({
      docker, runId, pkg, version, spec,
      image: spec.image ?? this.o.image,
      runnerId: this.id,
      signal: this.stopping.signal,
      log,
      watch: (id) => {
        // Route before watching, so no event of this cgroup is ever unrouted.
        this.pump.add(id, (evs) => streamer.push(evs));
        try {
          sensor.watchCgroup(id);
        } catch (e) {
          this.pump.remove(id);
          throw e;
        }
        cgroupId = id;
      },
      beforeCleanup: async (id) => {
        await this.pump.drain();
        const d = sensor.dropped(id);
        drops.ringbuf = d.ringbuf;
        drops.read = d.read_failures;
        drops.decode = d.decode;
        sensor.unwatchCgroup(id);
        this.pump.remove(id);
      },
    });
    this.owners.release(runId);
    const tStream = performance.now();
    drops.unrouted = this.pump.unrouted - unroutedAtStart;
    // Every event is now in a spooled batch: record the end at once, so a
    // runner killed while the batches are still being delivered resumes the
    // run (batches, then this report) instead of losing it.
    streamer.seal();
    // A failed install keeps npm's own error as the run's failure reason.
    const failureReason = result.failureReason ?? (result.status === "finished" && result.exitCode !== null && result.exitCode !== 0 ? npmFailureReason(result.exitCode, result.logTail) : null);
    const req: FinishRequest = {
      status: result.status,
      exit_code: result.exitCode,
      failure_reason: failureReason,
      events_sent: streamer.received,
      events_emitted: streamer.received,
      events_dropped: drops.ringbuf + drops.read + drops.decode + drops.unrouted,
      losses: { ...drops, unacked: 0 },
      batch_send_errors: 0,
      bait: baitValues(result.bait),
      ...(result.projectDir ? { project_dir: result.projectDir } : {}),
      runtime,
      timings: { ...result.timings },
    };
    this.o.spool?.putFinish(runId, req);
    log(`run ${runId}: ${result.status} exit_code=${result.exitCode ?? "-"} events_emitted=${streamer.received} cgroup=${cgroupId ?? "-"}${failureReason ? ` reason=${JSON.stringify(failureReason)}` : ""}${this.o.spool ? "; end of run spooled" : ""}`);
    if (result.status !== "finished" && result.logTail) log(`run ${runId}: container log tail: ${JSON.stringify(result.logTail.slice(-500))}`);
    // Issue 14: the install manifest, from its own script-free container, before the finish.
    const manifestMs = result.status === "failed" ? 0 : await reportManifest({ runId, pkg, version, spec, image: spec.image ?? this.o.image, runnerId: this.id, client, docker, log, signal: this.giveUp.signal });
    const stats = await streamer.close();
    req.events_sent = stats.events_sent;
    req.losses = { ...drops, unacked: stats.events_lost };
    req.events_dropped += stats.events_lost;
    req.batch_send_errors = stats.batch_send_errors;
    req.timings = { ...result.timings, stream_flush_ms: Math.round(performance.now() - tStream - manifestMs), manifest_ms: manifestMs, claim_to_finish_ms: Math.round(performance.now() - tClaim) };
    log(`run ${runId}: events_sent=${stats.events_sent} events_dropped=${req.events_dropped}`);
    if (stats.events_lost) this.o.spool?.putFinish(runId, req); // a resumed report must count them too
    await this.reportFinish(runId, req);
    this.runsDone++;
  }

  /** The end-of-run report, re-sent until acknowledged; settled (acknowledged
   *  or refused for good) it leaves the spool with the run's directory. */
  private async reportFinish(runId: string, req: FinishRequest): Promise<void> {
    const { client, log } = this.o;
    try {
      const r = (await deliver(`run ${runId}: finish`, () => client.finish(runId, req), { signal: this.giveUp.signal, log })) as { verdict?: string | null };
      log(`run ${runId}: finish acknowledged (verdict ${r?.verdict ?? "-"})`);
      this.o.spool?.drop(runId);
    } catch (e) {
      if (isFinal(e)) {
        log(`run ${runId}: the orchestrator refused the end-of-run report: ${oneLine(e)}`);
        this.o.spool?.drop(runId);
      } else {
        log(`run ${runId}: could not report finish: ${oneLine(e)}${this.o.spool ? " (kept in the spool for the next start)" : ""}`);
      }
    }
  }

  /** Deliver a previous process's spooled batches of one run, then its end. */
  private async resume(runId: string): Promise<void> {
    const { client, log } = this.o;
    const spool = this.o.spool!;
    const entry = spool.runs().find((r) => r.runId === runId);
    if (!entry) return;
    log(`run ${runId}: resuming from the spool (${entry.batches.length} batch(es) and the end-of-run report)`);
    let lost = 0;
    for (const seq of entry.batches) {
      const b = spool.readBatch<Batch>(runId, seq);
      try {
        await deliver(`run ${runId}: batch ${seq} send`, () => client.sendBatch(runId, b as never), { signal: this.giveUp.signal, log });
        spool.ackBatch(runId, seq);
      } catch (e) {
        if (!isFinal(e)) return void log(`run ${runId}: resume stopped: ${oneLine(e)} (kept in the spool)`);
        lost += b.events.length;
        spool.ackBatch(runId, seq);
      }
    }
    const req = spool.readFinish<FinishRequest>(runId);
    if (lost) {
      const losses = req.losses ?? { ringbuf: 0, read: 0, decode: 0, unrouted: 0, unacked: 0 };
      req.losses = { ...losses, unacked: losses.unacked + lost };
      req.events_dropped += lost;
    }
    await this.reportFinish(runId, req);
  }

  /** The runtime baseline of `image`, learning it on first use of its image id; undefined when it cannot be learned (the run goes on without it: more deviations, never fewer). */
  private async runtimeFor(image: string): Promise<FinishRequest["runtime"]> {
    const img = await this.o.docker.imageInspect(image).catch(() => undefined);
    if (!img) return undefined;
    let p = this.runtimes.get(img.Id);
    if (!p) {
      p = this.learnRuntime(image, img.Id).catch((e) => {
        // Runs go on without the layer; try again in a while, not before every run.
        this.o.log(`runner: could not learn the runtime of image ${image} (retry in 10 min): ${oneLine(e)}`);
        setTimeout(() => this.runtimes.delete(img.Id), 600_000).unref();
        return undefined;
      });
      this.runtimes.set(img.Id, p);
    }
    return p;
  }

  private async learnRuntime(image: string, imageId: string): Promise<FinishRequest["runtime"]> {
    const { docker, sensor, log } = this.o;
    const got: SensorEvent[] = [];
    const r = await runSandbox({
      docker, runId: newId(), pkg: CONTROL_PACKAGE, version: "1.0.0", image, runnerId: this.id, signal: this.stopping.signal, log,
      spec: { ...DEFAULT_SPEC, network: "none", duration_s: 30 },
      plant: controlPlant(),
      watch: (id) => {
        this.pump.add(id, (evs) => got.push(...evs));
        try {
          sensor.watchCgroup(id);
        } catch (e) {
          this.pump.remove(id);
          throw e;
        }
      },
      beforeCleanup: async (id) => {
        await this.pump.drain();
        sensor.unwatchCgroup(id);
        this.pump.remove(id);
      },
    });
    if (r.status !== "finished" || r.exitCode !== 0) throw new Error(`control install ${r.status}, exit ${r.exitCode ?? "-"}${r.failureReason ? `: ${r.failureReason}` : ""}`);
    const fingerprints = runtimeFingerprints(extractFingerprints(got.map((e, seq) => ({ ...e, seq }) as FangsEvent), { projectDir: r.projectDir }), CONTROL_PACKAGE);
    if (!fingerprints.length) throw new Error("the control install showed no script activity");
    log(`runner: learned the runtime of image ${image} (${imageId.slice(0, 19)}): ${fingerprints.length} fingerprints`);
    return { image_id: imageId, fingerprints };
  }

  /** SIGTERM: stop active containers (their runs finish as failed), clean
   *  cgroups, deregister. */
  async stop(): Promise<void> {
    const { client, log } = this.o;
    if (this.stopping.signal.aborted) return this.done();
    log(`runner ${this.id}: stopping (${this.active.size} active run(s))`);
    this.stopping.abort();
    // Active runs still report their end; if the orchestrator does not answer
    // within stopDeliverMs the spool keeps it for the next start.
    const giveUp = setTimeout(() => this.giveUp.abort(), this.o.stopDeliverMs ?? 10_000);
    if (this.heartbeat) clearInterval(this.heartbeat);
    await Promise.allSettled([...this.active.values(), ...this.resuming]);
    await this.done();
    clearTimeout(giveUp);
    this.pump.stop();
    // Each run removed its own cgroup; what is left of ours (a cleanup that
    // failed) goes now.
    for (const runId of this.ownRuns) {
      try {
        removeRunCgroups(runId);
      } catch (e) {
        log(`runner: ${oneLine(e)}`);
      }
    }
    if (!this.registered) return;
    try {
      await client.deregister();
      log(`runner ${this.id}: deregistered`);
    } catch (e) {
      log(`runner ${this.id}: deregister failed: ${oneLine(e)}`);
    }
  }
}
