// Prometheus series of the orchestrator. Counters are kept in memory
// (process lifetime); gauges that describe stored state are read from the
// database at scrape time so they agree with the CLI and survive restarts.
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Kysely } from "kysely";
import type { DB } from "../store/schema.ts";
import { countAliveRunners } from "../store/runners.ts";
import { countNoInstallCode, countOpenDeviations, countRunsQueued, deliveriesByOutcome, evidenceLosses, runsByStatus, runsByVerdict, sumEventsDropped } from "../store/overview.ts";

export class Metrics {
  readonly registry = new Registry();
  readonly eventsIngested: Counter;
  readonly batchesDuplicate: Counter;
  readonly watcherPolls: Counter;
  readonly watcherErrors: Counter;
  readonly watcherReleases: Counter;
  readonly runnersPruned: Counter;
  readonly retentionPruned: Counter;
  readonly httpDuration: Histogram;
  readonly runsCompleted: Counter;

  constructor(db: Kysely<DB>, staleAfterMs: () => number) {
    const r = this.registry;
    this.eventsIngested = new Counter({ name: "fangs_events_ingested_total", help: "events stored from runner batches", registers: [r] });
    this.batchesDuplicate = new Counter({ name: "fangs_event_batches_duplicate_total", help: "retried event batches acknowledged without storing again", registers: [r] });
    this.watcherPolls = new Counter({ name: "fangs_watcher_polls_total", help: "registry polls by the watcher", labelNames: ["result"], registers: [r] });
    this.watcherReleases = new Counter({ name: "fangs_watcher_releases_total", help: "new releases the watcher found: queued for a sandbox, or recorded as no-install-code without one", labelNames: ["outcome"], registers: [r] });
    this.watcherErrors = new Counter({ name: "fangs_watcher_errors_total", help: "registry polls that failed", registers: [r] });
    this.runnersPruned = new Counter({ name: "fangs_runners_pruned_total", help: "runners evicted for missing heartbeats", registers: [r] });
    this.retentionPruned = new Counter({ name: "fangs_retention_events_pruned_total", help: "raw events deleted by retention", registers: [r] });
    this.runsCompleted = new Counter({ name: "fangs_runs_completed_total", help: "runs a runner reported as ended, by status and differ verdict", labelNames: ["status", "verdict"], registers: [r] });
    this.httpDuration = new Histogram({
      name: "fangs_http_request_duration_seconds",
      help: "HTTP request duration by route",
      labelNames: ["method", "route", "status"],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [r],
    });
    // Gauges of stored state, counted by store/overview.ts (the overview's own queries).
    const gauge = (name: string, help: string, read: () => Promise<number>) =>
      new Gauge({ name, help, registers: [r], async collect() { this.set(await read()); } });
    const labelled = <K extends string>(name: string, help: string, label: string, all: readonly K[], read: () => Promise<Map<K, number> | Record<K, number>>) =>
      new Gauge({
        name, help, labelNames: [label], registers: [r],
        async collect() {
          const got = await read();
          const get = (k: K) => (got instanceof Map ? got.get(k) : got[k]) ?? 0;
          this.reset();
          for (const k of new Set([...all, ...(got instanceof Map ? got.keys() : [])])) this.set({ [label]: k }, get(k));
        },
      });
    labelled("fangs_runs", "runs by status", "status", ["queued", "running", "finished", "failed", "timed_out"], () => runsByStatus(db));
    gauge("fangs_releases_no_install_code", "releases recorded without a sandbox because nothing in their installed closure runs install code", () => countNoInstallCode(db));
    gauge("fangs_scans_queued", "scans waiting for a runner", () => countRunsQueued(db));
    gauge("fangs_deviations_open", "deviations not yet cleared by promotion", () => countOpenDeviations(db));
    gauge("fangs_events_dropped_lifetime", "events the sensors dropped over all runs (ring buffer overflow indicator)", () => sumEventsDropped(db));
    labelled("fangs_evidence_lost_events", "events lost over all stored runs, by level (ringbuf, read, decode, unrouted, unacked): any loss makes a run's verdict incomplete", "kind", ["ringbuf", "read", "decode", "unrouted", "unacked"], () => evidenceLosses(db));
    labelled("fangs_runs_by_verdict", "diffed runs by verdict (incomplete: evidence not whole, never seeds or promotes)", "verdict", ["seeded", "clean", "deviations", "incomplete"], () => runsByVerdict(db));
    gauge("fangs_runners_alive", "runners with a fresh heartbeat", () => countAliveRunners(db, Date.now() - staleAfterMs()));
    labelled("fangs_notifier_deliveries", "notifier delivery attempts recorded, by outcome", "outcome", ["delivered", "failed", "skipped"], () => deliveriesByOutcome(db));
  }
}
