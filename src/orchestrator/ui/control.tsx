// The run page's control re-run button (issue 14): queue the baseline
// release again on the same runner and spec, answer with the box it replaces.
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../deps.ts";
import { getRun } from "../../store/runs.ts";
import { FangsError, NotFoundError } from "../../core/errors.ts";
import { queueControl } from "../../service/control.ts";
import { loadRunDiff } from "../../service/run_diff.ts";
import { fragment, runIdParam, uiActor } from "./render.tsx";
import { ControlBox } from "../../../views/components/what_changed.tsx";

export function controlRoutes(d: AppDeps) {
  const app = new Hono<AppEnv>();
  app.post("/ui/runs/:id/control", async (c) => {
    const id = runIdParam(c);
    const run = await getRun(d.db, id);
    if (!run) throw new NotFoundError(`run ${id}`);
    try {
      const q = await queueControl(d.db, run, uiActor(c));
      d.dispatch.wake();
      return fragment(c, <ControlBox d={await loadRunDiff(d.db, run)} ended queued={{ run_id: q.run.id, version: q.baseline.version }} />, 201);
    } catch (e) {
      if (!(e instanceof FangsError)) throw e;
      return fragment(c, <ControlBox d={await loadRunDiff(d.db, run)} ended={false} error={e.message} />, e.status >= 400 && e.status < 500 ? e.status : 409);
    }
  });
  return app;
}
