// Queue a one-off scan. A watched package's stored settings (registry,
// network, duration, memory) apply unless the request overrides them. Queued
// even when no runner is alive: the answer then says so plainly, because the
// scan will wait.
import type { Store } from "../store/index.ts";
import { enqueueScan } from "../store/runs.ts";
import { countAliveRunners, getRunner } from "../store/runners.ts";
import { runJson, runUrls } from "../protocol/api.ts";
import type * as v from "valibot";
import type { ScanRequest, ScanResult } from "../protocol/operator.ts";

export async function submitScan(db: Store, b: v.InferOutput<typeof ScanRequest>, who: { actor: string; defaultRegistry: string; staleAfterMs: number }): Promise<ScanResult> {
  const spec = {
    ...(b.duration !== undefined && { duration_s: b.duration }),
    ...(b.network !== undefined && { network: b.network }),
    ...(b.registry_url !== undefined && { registry_url: b.registry_url }),
    ...(b.memory_mb !== undefined && { memory_mb: b.memory_mb }),
  };
  const run = await enqueueScan(db, { package: b.package, version: b.version, source: "manual", runner: b.runner ?? null, spec, defaultRegistry: who.defaultRegistry, actor: who.actor });
  const staleBefore = Date.now() - who.staleAfterMs;
  const alive = await countAliveRunners(db, staleBefore);
  let warning: string | null = null;
  if (b.runner) {
    const r = await getRunner(db, b.runner);
    if (!r || r.last_heartbeat_at < staleBefore) warning = `Runner ${b.runner} is not registered: the scan stays queued until it registers`;
  } else if (alive === 0) {
    warning = "No runners registered: the scan stays queued until a runner registers";
  }
  return { run_id: run.id, status: run.status, queued: true, runners_alive: alive, warning, urls: runUrls(run.id), run: runJson(run) };
}
