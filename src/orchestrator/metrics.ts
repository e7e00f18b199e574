// Prometheus series of the orchestrator. Counters are kept in memory
// (process lifetime); gauges that describe stored state are read from the
// database at scrape time so they agree with the CLI and survive restarts.
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Kysely } from "kysely";
import type { DB } from "../store/schema.ts";

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
    new Gauge({
      name: "fangs_runs",
      help: "runs by status",
      labelNames: ["status"],
      registers: [r],
      async collect() {
        const rows = await db.selectFrom("runs").select(["status", (eb) => eb.fn.countAll<number>().as("n")]).groupBy("status").execute();
        this.reset();
        for (const s of ["queued", "running", "finished", "failed", "timed_out"]) this.set({ status: s }, 0);
        for (const row of rows) this.set({ status: row.status }, Number(row.n));
      },
    });
    new Gauge({
      name: "fangs_releases_no_install_code",
      help: "releases recorded without a sandbox because nothing in their installed closure runs install code",
      registers: [r],
      async collect() {
        const row = await db.selectFrom("runs").select((eb) => eb.fn.countAll<number>().as("n")).where("verdict", "=", "no-install-code").executeTakeFirst();
        this.set(Number(row?.n ?? 0));
      },
    });
    new Gauge({
      name: "fangs_scans_queued",
      help: "scans waiting for a runner",
      registers: [r],
      async collect() {
        const row = await db.selectFrom("runs").select((eb) => eb.fn.countAll<number>().as("n")).where("status", "=", "queued").executeTakeFirst();
        this.set(Number(row?.n ?? 0));
      },
    });
    new Gauge({
      name: "fangs_deviations_open",
      help: "deviations not yet cleared by promotion",
      registers: [r],
      async collect() {
        const row = await db.selectFrom("deviations").select((eb) => eb.fn.countAll<number>().as("n")).where("cleared", "=", 0).executeTakeFirst();
        this.set(Number(row?.n ?? 0));
      },
    });
    new Gauge({
      name: "fangs_events_dropped_lifetime",
      help: "events the sensors dropped over all runs (ring buffer overflow indicator)",
      registers: [r],
      async collect() {
        const row = await db.selectFrom("runs").select((eb) => eb.fn.sum<number>("events_dropped").as("n")).executeTakeFirst();
        this.set(Number(row?.n ?? 0));
      },
    });
    new Gauge({
      name: "fangs_evidence_lost_events",
      help: "events lost over all stored runs, by level (ringbuf, read, decode, unrouted, unacked): any loss makes a run's verdict incomplete",
      labelNames: ["kind"],
      registers: [r],
      async collect() {
        const row = await db
          .selectFrom("runs")
          .select((eb) => [
            eb.fn.sum<number>("drops_ringbuf").as("ringbuf"),
            eb.fn.sum<number>("drops_read").as("read"),
            eb.fn.sum<number>("drops_decode").as("decode"),
            eb.fn.sum<number>("drops_unrouted").as("unrouted"),
            eb.fn.sum<number>("events_unacked").as("unacked"),
          ])
          .executeTakeFirst();
        for (const k of ["ringbuf", "read", "decode", "unrouted", "unacked"] as const) this.set({ kind: k }, Number(row?.[k] ?? 0));
      },
    });
    new Gauge({
      name: "fangs_runs_by_verdict",
      help: "diffed runs by verdict (incomplete: evidence not whole, never seeds or promotes)",
      labelNames: ["verdict"],
      registers: [r],
      async collect() {
        const rows = await db.selectFrom("runs").select(["verdict", (eb) => eb.fn.countAll<number>().as("n")]).where("verdict", "is not", null).groupBy("verdict").execute();
        this.reset();
        for (const v of ["seeded", "clean", "deviations", "incomplete"]) this.set({ verdict: v }, 0);
        for (const row of rows) this.set({ verdict: String(row.verdict) }, Number(row.n));
      },
    });
    new Gauge({
      name: "fangs_runners_alive",
      help: "runners with a fresh heartbeat",
      registers: [r],
      async collect() {
        const row = await db.selectFrom("runners").select((eb) => eb.fn.countAll<number>().as("n")).where("last_heartbeat_at", ">=", Date.now() - staleAfterMs()).executeTakeFirst();
        this.set(Number(row?.n ?? 0));
      },
    });
    new Gauge({
      name: "fangs_notifier_deliveries",
      help: "notifier delivery attempts recorded, by outcome",
      labelNames: ["outcome"],
      registers: [r],
      async collect() {
        const rows = await db.selectFrom("notifier_deliveries").select(["outcome", (eb) => eb.fn.countAll<number>().as("n")]).groupBy("outcome").execute();
        this.reset();
        for (const o of ["delivered", "failed", "skipped"]) this.set({ outcome: o }, 0);
        for (const row of rows) this.set({ outcome: row.outcome }, Number(row.n));
      },
    });
  }
}
