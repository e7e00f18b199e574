// The runner daemon: clean what a hard kill left, register, heartbeat, claim
// (long-poll) with `concurrency` workers, run each scan in the sandbox with the
// sensor watching its cgroup, stream events, finish. stop() (SIGTERM) stops the
// active containers, removes their cgroups, deregisters.
import { hostname } from "node:os";
import { oneLine } from "../core/errors.ts";
import { VERSION } from "../core/version.ts";
import type { FinishRequest } from "../protocol/runner.ts";
import { removeOrphanCgroups, removeRunCgroups } from "../sensor/cgroup.ts";
import type { Sensor } from "../sensor/types.ts";
import { OrchestratorClient, OrchestratorError, withRetry } from "./client.ts";
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
import { EventStreamer } from "./streamer.ts";

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
}

export class Runner {
  private readonly stopping = new AbortController();
  private readonly active = new Map<string, Promise<void>>();
  private readonly ownRuns = new Set<string>();
  private readonly pump: EventPump;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private workers: Promise<void>[] = [];
  runsDone = 0;
  private serverHeartbeatS: number | undefined;
  private registered = false;
  /** The runtime baseline per sandbox image id, learned once by a control install. */
  private readonly runtimes = new Map<string, Promise<FinishRequest["runtime"]>>();

  constructor(private readonly o: RunnerOptions) {
    this.pump = new EventPump(o.sensor);
  }

  get id(): string { return this.o.client.runnerId; }

  async start(): Promise<void> {
    const { log } = this.o;
    await this.removeOrphans();
    await this.register();
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

  /** Leftovers of a hard kill: this runner's labelled containers, and
   *  fangs/<run> cgroups no container uses that are older than a minute (other
   *  runners on the same host — tests — may be mid-run with theirs). */
  async removeOrphans(): Promise<void> {
    const { docker, log } = this.o;
    for (const c of await docker.listContainers(`${RUNNER_LABEL}=${this.id}`)) {
      log(`runner: removing orphan container ${c.Names?.[0] ?? c.Id.slice(0, 12)}`);
      await docker.remove(c.Id).catch((e) => log(`runner: remove orphan container: ${oneLine(e)}`));
    }
    const live = new Set((await docker.listContainers(RUN_LABEL)).map((c) => (c as { Labels?: Record<string, string> }).Labels?.[RUN_LABEL]));
    const inUse = [...live, ...this.active.keys()].filter((id): id is string => !!id);
    const { removed, failed } = removeOrphanCgroups(inUse, { minAgeMs: 60_000, name: RUN_ID });
    for (const runId of removed) log(`runner: removed orphan cgroup fangs/${runId}`);
    for (const f of failed) log(`runner: orphan cgroup not removed: ${f}`);
  }

  private async register(): Promise<void> {
    const { client, sensor, log } = this.o;
    const res = await withRetry(() => client.register(hostname(), VERSION, sensor.probes), {
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
    } catch (e) {
      this.o.log(`runner: heartbeat failed: ${oneLine(e)}`);
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
    log(`run ${runId}: claimed ${JSON.stringify(pkg)}@${JSON.stringify(version)} network=${spec.network} registry=${spec.registry_url}`);
    // The image's runtime baseline first (a control install, once per image id).
    const runtime = await this.runtimeFor(spec.image ?? this.o.image);
    const streamer = new EventStreamer(client, runId, log);
    let cgroupId: bigint | null = null;
    let dropped = 0;
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
        dropped = d.ringbuf + d.decode;
        sensor.unwatchCgroup(id);
        this.pump.remove(id);
      },
    });
    const tStream = performance.now();
    const stats = await streamer.close();
    const req: FinishRequest = {
      status: result.status,
      exit_code: result.exitCode,
      failure_reason: result.failureReason,
      events_sent: stats.events_sent,
      events_dropped: dropped + stats.events_lost,
      batch_send_errors: stats.batch_send_errors,
      bait: baitValues(result.bait),
      runtime,
      timings: { ...result.timings, stream_flush_ms: Math.round(performance.now() - tStream), claim_to_finish_ms: Math.round(performance.now() - tClaim) },
    };
    log(`run ${runId}: ${result.status} exit_code=${result.exitCode ?? "-"} events_sent=${stats.events_sent} events_dropped=${req.events_dropped} cgroup=${cgroupId ?? "-"}${result.failureReason ? ` reason=${JSON.stringify(result.failureReason)}` : ""}`);
    if (result.status !== "finished" && result.logTail) log(`run ${runId}: container log tail: ${JSON.stringify(result.logTail.slice(-500))}`);
    try {
      await withRetry(() => client.finish(runId, req), { attempts: 6, onError: (e, n) => log(`run ${runId}: finish attempt ${n} failed: ${oneLine(e)}`) });
    } catch (e) {
      log(`run ${runId}: could not report finish: ${oneLine(e)}`);
    }
    this.runsDone++;
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
    const fingerprints = runtimeFingerprints(extractFingerprints(got.map((e, seq) => ({ ...e, seq }) as FangsEvent)), CONTROL_PACKAGE);
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
    if (this.heartbeat) clearInterval(this.heartbeat);
    await Promise.allSettled([...this.active.values()]);
    await this.done();
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
