// One sandboxed install, start to cleanup: cgroup first (so the sensor sees
// the first exec), container with that cgroup parent, bait copied in, wait
// registered, start, duration limit, stop/kill, exit state, removal.
import { EXIT_DOCKER_START, EXIT_OOM, type SandboxSpec } from "../../protocol/sandbox.ts";
import { oneLine } from "../../core/errors.ts";
import { baitFiles, newBait, type Bait } from "../bait.ts";
import { newIdentity } from "./identity.ts";
import { tar, type TarEntry } from "../tar.ts";
import { createRunCgroup, removeRunCgroups, type RunCgroup } from "../../sensor/cgroup.ts";
import { DockerError, type Docker, type WaitResult } from "../docker.ts";
import { npmFeatures } from "../image.ts";
import { containerConfig, containerName } from "./spec.ts";
import { plantArchives } from "./plant.ts";

export type RunStatus = "finished" | "timed_out" | "failed";

export interface SandboxRunOptions {
  docker: Docker;
  runId: string;
  pkg: string;
  version: string;
  spec: SandboxSpec;
  image: string;
  runnerId?: string;
  /** Called with the new cgroup's id before the container exists; throwing
   *  (e.g. the sensor's "AddCgroup: cgroup id already registered") fails the run. */
  watch?: (cgroupId: bigint) => void;
  /** Called after the container exited, before the cgroup goes (final drain). */
  beforeCleanup?: (cgroupId: bigint) => Promise<void> | void;
  /** Aborting stops the container (runner shutdown). */
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Grace seconds between SIGTERM and SIGKILL when stopping. */
  stopGraceS?: number;
  /** This run's bait; a fresh one when absent (SandboxResult.bait says which). */
  bait?: Bait;
  /** Install a planted file instead of pkg@version (the runtime control, control.ts). */
  plant?: { target: string; files: TarEntry[] };
}

export interface SandboxResult {
  status: RunStatus;
  exitCode: number | null;
  oomKilled: boolean;
  failureReason: string | null;
  cgroupId: bigint | null;
  containerId: string | null;
  timings: Record<string, number>;
  logTail: string;
  /** cgroup dirs that could not be removed (should be empty). */
  cgroupLeftovers: string[];
  /** The bait planted in this run (reported with the finish). */
  bait: Bait;
  /** The project directory npm installed into (identity.ts; reported with the finish). */
  projectDir: string;
}

export async function runSandbox(o: SandboxRunOptions): Promise<SandboxResult> {
  const log = o.log ?? (() => {});
  const t0 = performance.now();
  const mark = (k: string, since = t0) => (timings[k] = Math.round(performance.now() - since));
  const timings: Record<string, number> = {};
  const res: SandboxResult = { status: "failed", exitCode: null, oomKilled: false, failureReason: null, cgroupId: null, containerId: null, timings, logTail: "", cgroupLeftovers: [], bait: o.bait ?? newBait(), projectDir: "" };
  const identity = newIdentity();
  res.projectDir = identity.projectDir;
  let cg: RunCgroup | undefined;
  let watched = false;
  try {
    cg = createRunCgroup(o.runId);
    res.cgroupId = cg.id;
    o.watch?.(cg.id);
    watched = true;
    const npm = await npmFeatures(o.docker, o.image);
    const cfg = containerConfig({ runId: o.runId, pkg: o.pkg, version: o.version, spec: o.spec, image: o.image, npm, runnerId: o.runnerId, bait: res.bait, target: o.plant?.target, identity });
    let id: string;
    try {
      id = await o.docker.createContainer(containerName(o.runId), cfg);
    } catch (e) {
      res.exitCode = EXIT_DOCKER_START;
      throw e;
    }
    res.containerId = id;
    for (const p of plantArchives([...baitFiles(res.bait), ...(o.plant?.files ?? [])])) await o.docker.putArchive(id, p.dir, tar(p.entries));
    mark("create_ms");
    const { exited } = await o.docker.waitNextExit(id);
    const tStart = performance.now();
    try {
      await o.docker.start(id);
    } catch (e) {
      res.exitCode = EXIT_DOCKER_START;
      throw e;
    }
    log(`run ${o.runId}: started ${JSON.stringify(o.pkg)}@${JSON.stringify(o.version)} container=${id.slice(0, 12)} cgroup=${cg.id} network=${o.spec.network}`);
    const limit = timer(o.spec.duration_s * 1000);
    const abort = aborted(o.signal);
    const outcome = await Promise.race([
      exited.then((w) => ({ kind: "exit" as const, w })),
      limit.done.then(() => ({ kind: "timeout" as const })),
      abort.done.then(() => ({ kind: "abort" as const })),
    ]);
    // A long-lived runner does thousands of runs: leave no timer or listener behind.
    limit.dispose();
    abort.dispose();
    let w: WaitResult;
    if (outcome.kind === "exit") {
      w = outcome.w;
      res.status = "finished";
    } else {
      log(`run ${o.runId}: ${outcome.kind === "timeout" ? `duration limit ${o.spec.duration_s}s reached` : "runner stopping"}, stopping container`);
      await o.docker.stop(id, o.stopGraceS ?? 2).catch(() => o.docker.kill(id));
      // stop() already escalates to SIGKILL after the grace; this covers an engine that did not.
      const late = timer(10_000);
      w = await Promise.race([exited, late.done.then(() => o.docker.kill(id)).then(() => exited)]);
      late.dispose();
      res.status = outcome.kind === "timeout" ? "timed_out" : "failed";
      if (outcome.kind === "abort") res.failureReason = "runner stopped (SIGTERM) during the run";
    }
    mark("container_ms", tStart);
    const st = await o.docker.inspect(id);
    res.exitCode = st?.State.ExitCode ?? w.StatusCode;
    res.oomKilled = st?.State.OOMKilled ?? false;
    if (res.oomKilled) res.failureReason = `exit_code=${res.exitCode}: OOM killed (Memory ${o.spec.memory_mb} MB)`;
    else if (res.exitCode === EXIT_OOM && res.status === "finished") res.failureReason = "exit_code=137: killed (SIGKILL) from outside the runner";
    res.logTail = await o.docker.logs(id, 100).catch((e) => `(logs unavailable: ${oneLine(e)})`);
  } catch (e) {
    res.status = "failed";
    res.failureReason = e instanceof DockerError ? oneLine(e) : `sandbox: ${oneLine(e)}`;
    log(`run ${o.runId}: failed: ${res.failureReason}`);
  } finally {
    if (res.containerId) await o.docker.remove(res.containerId).catch((e) => log(`run ${o.runId}: remove container: ${oneLine(e)}`));
    if (cg && watched) await Promise.resolve(o.beforeCleanup?.(cg.id)).catch((e) => log(`run ${o.runId}: final drain: ${oneLine(e)}`));
    if (cg) {
      try {
        removeRunCgroups(o.runId);
      } catch (e) {
        res.cgroupLeftovers = [oneLine(e)];
      }
    }
    for (const l of res.cgroupLeftovers) log(`run ${o.runId}: cgroup not removed: ${l}`);
    mark("total_ms");
  }
  return res;
}

function timer(ms: number): { done: Promise<void>; dispose(): void } {
  let t: ReturnType<typeof setTimeout> | undefined;
  const done = new Promise<void>((r) => { t = setTimeout(r, ms); });
  return { done, dispose: () => clearTimeout(t) };
}

function aborted(signal?: AbortSignal): { done: Promise<void>; dispose(): void } {
  if (!signal) return { done: new Promise(() => {}), dispose: () => {} };
  if (signal.aborted) return { done: Promise.resolve(), dispose: () => {} };
  let onAbort = () => {};
  const done = new Promise<void>((r) => { onAbort = () => r(); signal.addEventListener("abort", onAbort, { once: true }); });
  return { done, dispose: () => signal.removeEventListener("abort", onAbort) };
}
