// A run with deviations → one message per enabled notifier whose
// -min-severity the run meets (the others get a "skipped" row saying why, so
// history explains a silent target). Targets are sent to in parallel; one slow
// or failing target never holds back or fails another.
import type { Kysely } from "kysely";
import type { DB, Run } from "../store/schema.ts";
import { listNotifiers, recordDelivery, type Notifier } from "../store/notifiers.ts";
import { listDeviations } from "../store/deviations.ts";
import { severityRank } from "../differ/severity.ts";
import { VERSION } from "../core/version.ts";
import { deliver, type DeliverOptions, type DeliveryResult, type Target } from "./deliver.ts";
import { render, TOP_DEVIATIONS, type NotifyMessage } from "./templates.ts";
import { getManifest } from "../store/manifests.ts";
import { notifyLine } from "../releasediff/json.ts";

export interface DispatchOptions extends Omit<DeliverOptions, "runId"> {
  /** Where the orchestrator is reached, for the UI/API links (no trailing slash). */
  baseUrl: string;
  now?: () => bigint;
}

export interface DispatchResult { notifier: string; result: DeliveryResult }

export function nowUnixNano(): bigint {
  return BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
}

export function links(baseUrl: string, runId: string) {
  const b = baseUrl.replace(/\/+$/, "");
  return { ui: `${b}/ui/runs/${runId}`, api: `${b}/v1/runs/${runId}` };
}

/** Does the run meet this target's threshold? No threshold = every run. */
export function meetsThreshold(n: Pick<Notifier, "min_severity">, maxSeverity: string | null): boolean {
  if (!n.min_severity) return true;
  if (!maxSeverity) return false;
  return severityRank(maxSeverity) >= severityRank(n.min_severity);
}

export async function runMessage(db: Kysely<DB>, run: Run, o: Pick<DispatchOptions, "baseUrl" | "now">): Promise<NotifyMessage> {
  const devs = (await listDeviations(db, { runId: run.id })).sort((a, b) => Number(b.severity_rank) - Number(a.severity_rank) || a.category.localeCompare(b.category) || a.value.localeCompare(b.value));
  return {
    kind: "run.deviations",
    run_id: run.id,
    package: run.package,
    version: run.version,
    deviation_count: Number(run.deviation_count) || devs.length,
    max_severity: run.max_severity,
    deviations: devs.slice(0, TOP_DEVIATIONS).map((d) => ({ category: d.category, actor: d.actor, value: d.value, severity: d.severity })),
    urls: links(o.baseUrl, run.id),
    release_diff: notifyLine(await getManifest(db, run.id)),
    time_unix_nano: (o.now ?? nowUnixNano)().toString(),
    fangs_version: VERSION,
  };
}

/** Fire every enabled notifier for one run. Used as the orchestrator's onDeviations hook. */
export async function notifyRun(db: Kysely<DB>, run: Run, o: DispatchOptions): Promise<DispatchResult[]> {
  const targets = await listNotifiers(db, { enabledOnly: true });
  if (targets.length === 0) return [];
  const msg = await runMessage(db, run, o);
  return Promise.all(
    targets.map(async (n): Promise<DispatchResult> => {
      if (!meetsThreshold(n, msg.max_severity)) {
        const error = `run max severity ${msg.max_severity ?? "none"} is below -min-severity ${n.min_severity}`;
        await recordDelivery(db, { notifier_id: n.id, run_id: run.id, attempt: 0, outcome: "skipped", http_status: null, error });
        return { notifier: n.name, result: { outcome: "skipped", attempts: 0, http_status: null, error } };
      }
      return { notifier: n.name, result: await deliver(db, n as Target, render(n.template, msg), { ...o, runId: run.id }) };
    }),
  );
}

/** A synthetic message for `fangs notifier test`: fixed fake data, clearly marked. */
export function testMessage(baseUrl: string, now: () => bigint = nowUnixNano): NotifyMessage {
  const id = "0000000000000000";
  return {
    kind: "test",
    run_id: id,
    package: "fangs-notifier-test",
    version: "0.0.0",
    deviation_count: 1,
    max_severity: "info",
    deviations: [{ category: "net_new_https_host", actor: "script:postinstall", value: "test.example", severity: "info" }],
    urls: links(baseUrl, id),
    time_unix_nano: now().toString(),
    fangs_version: VERSION,
  };
}

/** Send the synthetic message to one target, whatever its threshold or enabled flag. */
export async function notifyTest(db: Kysely<DB>, n: Notifier, o: DispatchOptions): Promise<DeliveryResult> {
  return deliver(db, n as Target, render(n.template, testMessage(o.baseUrl, o.now)), { ...o, runId: null });
}
