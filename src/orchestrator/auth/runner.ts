// Resolves WHO is calling a runner endpoint, in one place. This first version
// trusts the runner id the request names (the :id path segment, or the
// X-Fangs-Runner header on /v1/runs/:run/* paths); the trust-boundary work
// replaces it with the mTLS certificate CN or a runner-token check. Handlers
// read only c.get("runnerId").
import type { MiddlewareHandler } from "hono";
import * as v from "valibot";
import { RUNNER_ID, RUNNER_ID_HEADER } from "../../protocol/runner.ts";
import { FangsError } from "../../core/errors.ts";

export type RunnerEnv = { Variables: { runnerId: string | undefined } };

/** For register: the identity may come from the body, so it is optional here. */
export function runnerIdentity(opts: { required: boolean }): MiddlewareHandler<RunnerEnv> {
  return async (c, next) => {
    const claimed = c.req.param("id") ?? c.req.header(RUNNER_ID_HEADER);
    if (claimed !== undefined && !v.is(RUNNER_ID, claimed)) throw new FangsError("invalid runner id: letters, digits, . _ - (at most 128)", { status: 400 });
    if (opts.required && !claimed) throw new FangsError(`missing runner identity (${RUNNER_ID_HEADER} header)`, { status: 401 });
    c.set("runnerId", claimed);
    await next();
  };
}
