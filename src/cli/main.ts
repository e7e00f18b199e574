// The root of the fangs command tree. Each group lives in its own folder
// (src/cli/<group>/<verb>.ts); top-level verbs are src/cli/<verb>.ts. The
// words are read by dispatch.ts, the one parser.
import { group } from "./command.ts";
import { dispatch } from "./dispatch.ts";
import { reportAndExit } from "./output.ts";
import { VERSION } from "../core/version.ts";

export const root = group({ name: "fangs", version: VERSION, description: "Catch malicious npm releases by what they do." }, {
  db: () => import("./db/index.ts"), config: () => import("./config/index.ts"),
  sensor: () => import("./sensor/index.ts"), package: () => import("./package/index.ts"),
  pending: () => import("./pending.ts"), deviation: () => import("./deviation/index.ts"),
  baseline: () => import("./baseline/index.ts"), allow: () => import("./allow/index.ts"),
  notifier: () => import("./notifier/index.ts"), run: () => import("./run/index.ts"),
  release: () => import("./release/index.ts"), ca: () => import("./ca/index.ts"), audit: () => import("./audit.ts"),
  serve: () => import("./serve.ts"), scan: () => import("./scan/index.ts"),
  sandbox: () => import("./sandbox/index.ts"), runner: () => import("./runner/index.ts"),
});

export async function main(argv: string[]): Promise<void> {
  try {
    await dispatch(root, argv);
  } catch (e) {
    reportAndExit(e);
  }
}
