// The read API the UI and scripts use. Same shapes as json.ts everywhere.
import { Hono } from "hono";
import * as v from "valibot";
import type { AppDeps, AppEnv } from "../deps.ts";
import { valid } from "../validate.ts";
import { EVENT_KINDS } from "../../events/types.ts";
import { SEVERITIES } from "../../differ/severity.ts";
import { NotFoundError } from "../../core/errors.ts";
import { PACKAGE_NAME } from "../../protocol/operator.ts";
import { findRunByPrefix, listRuns } from "../../store/runs.ts";
import { getEventRow, listEventRows } from "../../store/events.ts";
import { getDeviationRow, listDeviations, recentDeviations } from "../../store/deviations.ts";
import { listBaseline } from "../../store/baseline.ts";
import { assertKnownPackage, getPackage, listTrackedPackages } from "../../store/packages.ts";
import { packageRegistry, parseSettings } from "../../protocol/package_settings.ts";
import { overviewNumbers } from "../../store/overview.ts";
import { listRunners } from "../../store/runners.ts";
import { listPending } from "../../store/pending.ts";
import { API_MAX_RUNS, runJson, runnerJson, deviationJson, packageJson, eventJson, times } from "../../protocol/api.ts";

const intParam = (max: number) => v.pipe(v.string(), v.regex(/^\d{1,9}$/, "a whole number"), v.transform(Number), v.maxValue(max, `at most ${max}`));
const RunsQuery = v.object({
  package: v.optional(PACKAGE_NAME),
  status: v.optional(v.picklist(["queued", "running", "finished", "failed", "timed_out"] as const, "status: queued, running, finished, failed or timed_out")),
  limit: v.optional(intParam(API_MAX_RUNS)),
});
const EventsQuery = v.object({ kind: v.optional(v.picklist(EVENT_KINDS as string[], "kind: exec, file, connect, dns, tls or listen")), after: v.optional(intParam(Number.MAX_SAFE_INTEGER)), limit: v.optional(intParam(5000)) });
const PendingQuery = v.object({ package: v.optional(PACKAGE_NAME), min_severity: v.optional(v.picklist(SEVERITIES as unknown as string[], `min_severity: ${SEVERITIES.join(", ")}`)) });
// A full run id or a unique prefix of one, as the CLI takes them (store/runs.ts findRunByPrefix: an ambiguous prefix is a 400 naming the matches).
const RunParam = v.object({ id: v.pipe(v.string(), v.regex(/^[0-9a-f]{1,16}$/, "run id: 16 hex characters, or a unique prefix of them")) });
const DevParam = v.object({ id: v.pipe(v.string(), v.regex(/^[0-9a-f]{16}$/, "deviation id: 16 hex characters")) });
const PkgParam = v.object({ package: PACKAGE_NAME });

export function readRoutes(d: AppDeps) {
  const app = new Hono<AppEnv>();
  const staleMs = () => d.cfg["runner-stale-after"] * 1000;

  const mustRun = (idOrPrefix: string) => findRunByPrefix(d.db, idOrPrefix);

  app.get("/v1/runs", valid("query", RunsQuery), async (c) => {
    const { package: pkg, status, limit } = c.req.valid("query");
    // A filter on a package FANGS never saw is a typo: 404, as fangs run list says.
    if (pkg) await assertKnownPackage(d.db, pkg);
    const runs = await listRuns(d.db, { package: pkg, status, limit: limit ?? 50 });
    return c.json({ runs: runs.map(runJson) });
  });

  app.get("/v1/runs/:id", valid("param", RunParam), async (c) => c.json({ run: runJson(await mustRun(c.req.valid("param").id)) }));

  app.get("/v1/runs/:id/events", valid("param", RunParam), valid("query", EventsQuery), async (c) => {
    const run = await mustRun(c.req.valid("param").id);
    const o = c.req.valid("query");
    const limit = o.limit ?? 500;
    const events = await listEventRows(d.db, run.id, { kind: o.kind, after: o.after, limit });
    const last = events.at(-1);
    return c.json({ run_id: run.id, events: events.map(eventJson), next_after: events.length === limit && last ? Number(last.seq) : null });
  });

  app.get("/v1/runs/:id/deviations", valid("param", RunParam), async (c) => {
    const run = await mustRun(c.req.valid("param").id);
    return c.json({ run_id: run.id, deviations: (await listDeviations(d.db, { runId: run.id, includeCleared: true })).map(deviationJson) });
  });

  app.get("/v1/deviations/:id", valid("param", DevParam), async (c) => {
    const dev = await getDeviationRow(d.db, c.req.valid("param").id);
    if (!dev) throw new NotFoundError(`deviation ${c.req.valid("param").id}`);
    const ev = await getEventRow(d.db, dev.run_id, Number(dev.evidence_seq));
    return c.json({ deviation: deviationJson(dev), evidence: ev ? eventJson(ev) : null });
  });

  app.get("/v1/pending", valid("query", PendingQuery), async (c) => {
    const o = c.req.valid("query");
    // A filter on a package FANGS never saw is a typo: 404, as fangs pending says.
    const rows = await d.reads.get(d.db, `pending:${o.package ?? ""}:${o.min_severity ?? ""}`, async () => {
      if (o.package) await assertKnownPackage(d.db, o.package);
      return listPending(d.db, { package: o.package, minSeverity: o.min_severity });
    });
    return c.json({ pending: rows.map((r) => ({ ...r, ...times("last_detected_at", r.last_detected_at) })) });
  });

  app.get("/v1/baselines/:package{.+}", valid("param", PkgParam), async (c) => {
    const pkg = c.req.valid("param").package;
    const rows = await listBaseline(d.db, pkg);
    return c.json({
      package: pkg,
      fingerprints: rows.map((b) => ({ phase: b.phase, category: b.category, actor: b.actor, value: b.value, occurrence_count: Number(b.occurrence_count), first_seen_run: b.first_seen_run, last_seen_run: b.last_seen_run, ...times("first_seen_at", b.first_seen_at), ...times("last_seen_at", b.last_seen_at) })),
    });
  });

  app.get("/v1/packages", async (c) => {
    const rows = await listTrackedPackages(d.db);
    return c.json({ packages: rows.map((p) => ({ ...packageJson(p), ...(p.added_at ? {} : { added_at: null, added_at_ms: null }), runs: p.runs, ...times("last_run_at", p.last_run_at) })) });
  });

  // One package, with the registry its scans poll and install from.
  app.get("/v1/packages/:name", valid("param", v.object({ name: PACKAGE_NAME })), async (c) => {
    const { name } = c.req.valid("param");
    const p = await getPackage(d.db, name);
    if (!p) throw new NotFoundError(`package ${name}`, "fangs package watched");
    return c.json({ package: { ...packageJson(p), registry: packageRegistry(d.cfg.registry, parseSettings(p.settings)) } });
  });

  app.get("/v1/runners", async (c) => c.json({ runners: (await listRunners(d.db)).map((r) => runnerJson(r, staleMs())) }));

  app.get("/v1/overview", async (c) => {
    const now = Date.now();
    const [numbers, runners, recentRuns, recentDevs] = [await d.reads.get(d.db, "overview", () => overviewNumbers(d.db)), await listRunners(d.db), await listRuns(d.db, { limit: 10 }), await recentDeviations(d.db, 10)];
    const pool = runners.map((r) => runnerJson(r, staleMs(), now));
    return c.json({ ...numbers, runners_alive: pool.filter((r) => r.alive).length, runners: pool, recent_runs: recentRuns.map(runJson), recent_deviations: recentDevs.map(deviationJson), ...times("generated_at", now) });
  });

  return app;
}
