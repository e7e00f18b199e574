// The UI's read pages. Each handler reads the same way: load (through the
// functions the JSON API uses) → not found → render.
import { Hono, type Context } from "hono";
import type { AppDeps, AppEnv } from "../deps.ts";
import { getRun, listRuns } from "../../store/runs.ts";
import { getEventRow, listEventRows } from "../../store/events.ts";
import { getDeviationRow, listDeviations, recentDeviations } from "../../store/deviations.ts";
import { listBaseline } from "../../store/baseline.ts";
import { listTrackedPackages } from "../../store/packages.ts";
import { overviewNumbers } from "../../store/overview.ts";
import { runnerJson } from "../../protocol/api.ts";
import { listRunners } from "../../store/runners.ts";
import { listPending, queuePage } from "../../store/pending.ts";
import { listPackages } from "../../store/packages.ts";
import { listReleases } from "../../store/releases.ts";
import { listAllow } from "../../store/allowlist.ts";
import { AUDIT_TARGETS, listAudit } from "../../store/audit.ts";
import { verifyAuditChain } from "../../store/audit_chain.ts";
import { EVENT_KINDS } from "../../events/types.ts";
import { SEVERITIES } from "../../differ/severity.ts";
import { NotFoundError } from "../../core/errors.ts";
import { getPackage, packageNameError } from "../../store/packages.ts";
import { page, fragment, signedIn, runIdParam, deviationIdParam } from "./render.tsx";
import { listNotifiers, notifierPublic } from "../../store/notifiers.ts";
import { OverviewPage } from "../../../views/overview.tsx";
import { PendingPage } from "../../../views/pending.tsx";
import { PendingRows } from "../../../views/components/pending_rows.tsx";
import { RunPage, RunFacts, Evidence, LineageMount } from "../../../views/run.tsx";
import { loadRunDiff } from "../../service/run_diff.ts";
import { EventsPage } from "../../../views/events.tsx";
import { EventRows, type EventItem } from "../../../views/components/event_rows.tsx";
import { PackagesPage } from "../../../views/packages.tsx";
import { PackagePage } from "../../../views/package.tsx";
import { packageRegistry, parseSettings } from "../../protocol/package_settings.ts";
import { sourcesByPackage } from "../../store/package_sources.ts";
import { AllowlistPage } from "../../../views/allowlist.tsx";
import { NotifiersPage } from "../../../views/notifiers.tsx";
import { AuditPage } from "../../../views/audit.tsx";

const EVENTS_PAGE = 100;
/** Rows per page of /ui/pending: a 1,000-run queue would otherwise be one 600 KiB page. */
const PENDING_PAGE = 100;
const kindOf = (k: string | undefined) => (k && (EVENT_KINDS as readonly string[]).includes(k) ? k : undefined);
const afterOf = (a: string | undefined) => (a && /^\d{1,15}$/.test(a) ? Number(a) : undefined);

export function pageRoutes(d: AppDeps) {
  const app = new Hono<AppEnv>();

  async function mustRun(id: string) {
    const run = await getRun(d.db, id);
    if (!run) throw new NotFoundError(`run ${id}`, "open a run from /ui/pending or /ui/");
    return run;
  }
  async function mustDeviation(id: string) {
    const dev = await getDeviationRow(d.db, id);
    if (!dev) throw new NotFoundError(`deviation ${id}`);
    return dev;
  }
  async function eventPage(runId: string, kind: string | undefined, after: number | undefined) {
    const rows = await listEventRows(d.db, runId, { kind, after, limit: EVENTS_PAGE });
    const items: EventItem[] = rows.map((e) => ({ seq: Number(e.seq), kind: e.kind, pid: Number(e.pid), comm: e.comm, event: parseBody(e.body) }));
    const last = items.at(-1);
    return { items, nextAfter: items.length === EVENTS_PAGE && last ? last.seq : null };
  }

  app.get("/ui", (c) => c.redirect("/ui/", 301));
  app.get("/ui/", async (c) => {
    const staleMs = d.cfg["runner-stale-after"] * 1000;
    const now = Date.now();
    const [n, runners, runs, devs] = [await d.reads.get(d.db, "overview", () => overviewNumbers(d.db)), await listRunners(d.db), await listRuns(d.db, { limit: 10 }), await recentDeviations(d.db, 10)];
    return page(c, <OverviewPage n={n} runners={runners.map((r) => runnerJson(r, staleMs, now))} runs={runs} devs={devs} signedIn={signedIn(c)} />);
  });

  /** One page of the filtered queue (`after` is where the previous page ended). */
  async function queue(c: Context) {
    const pkg = c.req.query("package")?.trim() || undefined;
    const sev = c.req.query("min_severity") || undefined;
    if (sev && !(SEVERITIES as readonly string[]).includes(sev)) throw new NotFoundError(`severity ${sev}`, `use one of ${SEVERITIES.join(", ")}`);
    // Same memo key as GET /v1/pending: a write anywhere invalidates both.
    const all = await d.reads.get(d.db, `pending:${pkg ?? ""}:${sev ?? ""}`, () => listPending(d.db, { package: pkg, minSeverity: sev }));
    const p = queuePage(all, c.req.query("after") || undefined, PENDING_PAGE);
    return { filter: { package: pkg, min_severity: sev }, view: { ...p, total: all.length } };
  }
  app.get("/ui/pending", async (c) => {
    const { filter, view } = await queue(c);
    return page(c, <PendingPage {...view} filter={filter} signedIn={signedIn(c)} />);
  });
  app.get("/ui/pending/more", async (c) => {
    const { filter, view } = await queue(c);
    return fragment(c, <PendingRows rows={view.rows} next={view.next} remaining={view.total - view.start - view.rows.length} filter={filter} />);
  });

  app.get("/ui/runs/:id", async (c) => {
    const run = await mustRun(runIdParam(c));
    return page(c, <RunPage run={run} devs={await listDeviations(d.db, { runId: run.id, includeCleared: true })} signedIn={signedIn(c)} diff={await loadRunDiff(d.db, run)} />);
  });

  app.get("/ui/runs/:id/live", async (c) => {
    const run = await mustRun(runIdParam(c));
    if (run.status === "queued" || run.status === "running") return fragment(c, <RunFacts run={run} />);
    c.header("HX-Refresh", "true"); // done: reload the whole page, deviations included
    return fragment(c, <RunFacts run={run} />);
  });

  app.get("/ui/runs/:id/events", async (c) => {
    const run = await mustRun(runIdParam(c));
    const kind = kindOf(c.req.query("kind"));
    const { items, nextAfter } = await eventPage(run.id, kind, afterOf(c.req.query("after")));
    return page(c, <EventsPage run={run} items={items} kind={kind} nextAfter={nextAfter} signedIn={signedIn(c)} />);
  });

  app.get("/ui/runs/:id/events/more", async (c) => {
    const run = await mustRun(runIdParam(c));
    const kind = kindOf(c.req.query("kind"));
    const { items, nextAfter } = await eventPage(run.id, kind, afterOf(c.req.query("after")));
    return fragment(c, <EventRows runId={run.id} items={items} kind={kind} nextAfter={nextAfter} />);
  });

  app.get("/ui/deviations/:id/evidence", async (c) => {
    const dev = await mustDeviation(deviationIdParam(c));
    const ev = await getEventRow(d.db, dev.run_id, Number(dev.evidence_seq));
    return fragment(c, <Evidence d={dev} event={ev ? parseBody(ev.body) : null} />);
  });

  app.get("/ui/deviations/:id/lineage", async (c) => fragment(c, <LineageMount d={await mustDeviation(deviationIdParam(c))} />));

  app.get("/ui/packages", async (c) => {
    const [pkgs, summary] = [await listTrackedPackages(d.db), await listPackages(d.db)];
    const open = new Map(summary.map((s) => [s.package, s.open_deviations]));
    return page(c, <PackagesPage pkgs={pkgs} open={open} signedIn={signedIn(c)} />);
  });

  app.get("/ui/packages/:name{.+}", async (c) => {
    const name = c.req.param("name");
    if (packageNameError(name)) throw new NotFoundError(`package ${name}`, "see /ui/packages");
    const [runs, releases, baseline] = [await listRuns(d.db, { package: name, limit: 200 }), await listReleases(d.db, { package: name }), await listBaseline(d.db, name)];
    const pkg = await getPackage(d.db, name);
    if (!pkg && !runs.length && !releases.length && !baseline.length) throw new NotFoundError(`package ${name}`, "see /ui/packages");
    const registry = pkg ? packageRegistry(d.cfg.registry, parseSettings(pkg.settings)) : undefined;
    const sources = (await sourcesByPackage(d.db)).get(name) ?? [];
    return page(c, <PackagePage name={name} pkg={pkg} registry={registry} sources={sources} runs={runs} releases={releases} baseline={baseline} signedIn={signedIn(c)} />);
  });

  app.get("/ui/allowlist", async (c) => page(c, <AllowlistPage entries={await listAllow(d.db)} signedIn={signedIn(c)} />));
  app.get("/ui/notifiers", async (c) => page(c, <NotifiersPage rows={(await listNotifiers(d.db)).map(notifierPublic)} signedIn={signedIn(c)} />));
  app.get("/ui/audit", async (c) => {
    // Same filters as `fangs audit` / GET /v1/audit; an unknown kind is a typo, not "everything".
    const kind = c.req.query("target_kind") || undefined;
    const id = c.req.query("target_id")?.slice(0, 256) || undefined;
    if (kind && !(AUDIT_TARGETS as readonly string[]).includes(kind)) throw new NotFoundError(`audit target kind ${kind}`, `use one of ${AUDIT_TARGETS.join(", ")}`);
    const rows = await listAudit(d.db, { targetKind: kind, targetId: id, limit: 200 });
    // Re-walked only after a write (ReadCache: this process, or another via data_version).
    const chain = await d.reads.get(d.db, "audit-chain", () => verifyAuditChain(d.db));
    return page(c, <AuditPage rows={rows} chain={chain} filter={{ target_kind: kind, target_id: id }} signedIn={signedIn(c)} />);
  });
  return app;
}

function parseBody(body: string) {
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}
