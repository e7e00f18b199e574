// The UI's mutations, each answering with the component the page rendered,
// re-rendered in its new state, for htmx to swap in: promote (with a confirm
// step), allowlist add and remove, through the same service functions as the
// JSON API and the CLI (src/service/), which write the audit rows.
import { Hono, type Context } from "hono";
import * as v from "valibot";
import type { AppDeps, AppEnv } from "../deps.ts";
import { getRun } from "../../store/runs.ts";
import { FangsError, NotFoundError } from "../../core/errors.ts";
import { listPending, rescanCommand, SHORT_ID, type PendingRow as Row } from "../../store/pending.ts";
import { findAllowByPrefix, listAllow } from "../../store/allowlist.ts";
import { packageNameError } from "../../protocol/npm_names.ts";
import { promote } from "../../service/baseline.ts";
import { allowAdd, allowRemove } from "../../service/allow.ts";
import { fragment, runIdParam, uiActor } from "./render.tsx";
import { PendingRow, type RowState } from "../../../views/components/pending_row.tsx";
import { AllowRow } from "../../../views/components/allow_row.tsx";
import { AllowSection } from "../../../views/allowlist.tsx";

const AllowForm = v.object({
  kind: v.picklist(["cidr", "path", "sni"], "kind: cidr, path or sni"),
  value: v.pipe(v.string(), v.trim(), v.minLength(1, "value is required"), v.maxLength(1024, "value: at most 1024 characters")),
  package: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(214, "package: at most 214 characters")), ""),
  note: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(500, "note: at most 500 characters")), ""),
});

const message = (e: unknown) => (e instanceof FangsError ? e.message : "internal error (see the orchestrator log)");

export function actionRoutes(d: AppDeps) {
  const app = new Hono<AppEnv>();

  /** The run's queue row (that row alone); a run no longer pending (promoted elsewhere) still gets a row built from the run. */
  async function rowOf(runId: string): Promise<Row> {
    const run = await getRun(d.db, runId);
    if (!run) throw new NotFoundError(`run ${runId}`);
    const [pending] = await listPending(d.db, { runId });
    return pending ?? {
      run_id: run.id, package: run.package, version: run.version, deviation_count: Number(run.deviation_count),
      max_severity: run.max_severity ?? "info", last_detected_at: run.finished_at ?? run.created_at, promote_command: `fangs baseline promote ${run.id.slice(0, SHORT_ID)}`,
      incomplete: run.verdict === "incomplete", issues: [], rescan_command: run.verdict === "incomplete" ? rescanCommand(run.package, run.version) : null, phases: [],
    };
  }
  const row = async (c: Context, state: RowState, status = 200) => fragment(c, <PendingRow row={await rowOf(runIdParam(c))} state={state} />, status);

  app.get("/ui/pending/:id/row", (c) => row(c, { kind: "open" }));
  app.get("/ui/pending/:id/confirm", (c) => row(c, { kind: "confirm" }));
  app.post("/ui/pending/:id/promote", async (c) => {
    const id = runIdParam(c);
    const before = await rowOf(id);
    try {
      const r = await promote(d.db, id, { actor: uiActor(c), configAllow: d.cfg.allowlist });
      return fragment(c, <PendingRow row={before} state={{ kind: "promoted", merged: r.merged_fingerprints, cleared: r.cleared_deviations }} />);
    } catch (e) {
      if (!(e instanceof FangsError)) d.log(`ui promote ${id} failed: ${(e as Error).stack}`);
      return fragment(c, <PendingRow row={before} state={{ kind: "error", message: message(e) }} />, 409);
    }
  });

  app.post("/ui/allowlist", async (c) => {
    const raw = await c.req.parseBody();
    const values = Object.fromEntries(Object.entries(raw).filter(([, x]) => typeof x === "string")) as Record<string, string>;
    const form = v.safeParse(AllowForm, values);
    const again = async (error: string) => fragment(c, <AllowSection entries={await listAllow(d.db)} error={error} values={values} />, 422);
    if (!form.success) return again(form.issues[0].message);
    const f = form.output;
    if (f.package && packageNameError(f.package)) return again(`package: ${packageNameError(f.package)}`);
    try {
      await allowAdd(d.db, { kind: f.kind, value: f.value, package: f.package || null, note: f.note || null }, { actor: uiActor(c), source: "api" });
    } catch (e) {
      if (!(e instanceof FangsError)) throw e;
      return again(e.message);
    }
    return fragment(c, <AllowSection entries={await listAllow(d.db)} />);
  });

  app.post("/ui/allowlist/:id/remove", async (c) => {
    const id = c.req.param("id");
    if (!/^[a-z0-9]{1,40}$/.test(id)) throw new NotFoundError(`allowlist entry ${id}`);
    const entry = await findAllowByPrefix(d.db, id);
    try {
      await allowRemove(d.db, entry.id, uiActor(c));
      return fragment(c, <AllowRow e={entry} removed />);
    } catch (e) {
      if (!(e instanceof FangsError)) throw e;
      return fragment(c, <AllowRow e={entry} error={e.message} />, 409);
    }
  });
  return app;
}
