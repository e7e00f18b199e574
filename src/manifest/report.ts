// The runner's one call into issue 14: after the sandbox is gone and before
// the finish, collect the run's install manifest in its own script-free
// container (collect.ts) and send it. Never throws: a missing manifest means
// a run without a release diff, never a failed run.
import { oneLine } from "../core/errors.ts";
import type { SandboxSpec } from "../protocol/sandbox.ts";
import type { OrchestratorClient } from "../client/orchestrator.ts";
import type { Docker } from "../runner/docker.ts";
import { deliver } from "../runner/streamer.ts";
import { collectManifest } from "./collect.ts";

export interface ManifestReport { runId: string; pkg: string; version: string; spec: SandboxSpec; image: string; runnerId: string; client: OrchestratorClient; docker: Docker; log: (line: string) => void; signal?: AbortSignal }

/** Returns the milliseconds it added to the run (also when it failed). */
export async function reportManifest(o: ManifestReport): Promise<number> {
  if (process.env.FANGS_RUNNER_MANIFEST === "0") return 0;
  const t0 = performance.now();
  const r = await collectManifest(o);
  if (!r.ok) {
    o.log(`run ${o.runId}: install manifest not collected (${r.ms} ms): ${r.error}`);
    return Math.round(performance.now() - t0);
  }
  try {
    await deliver(`run ${o.runId}: manifest send`, () => o.client.sendManifest(o.runId, r.manifest), { signal: o.signal, log: o.log, attempts: 5 });
    o.log(`run ${o.runId}: install manifest sent: ${r.manifest.packages.length} package(s), ${r.bytes} bytes, collected in ${r.ms} ms${r.manifest.error ? ` (partial: ${oneLine(r.manifest.error)})` : ""}`);
  } catch (e) {
    o.log(`run ${o.runId}: install manifest not delivered: ${oneLine(e)}`);
  }
  return Math.round(performance.now() - t0);
}
