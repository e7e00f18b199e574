// The root of the fangs command tree. Each group lives in its own folder
// (src/cli/<group>/<verb>.ts); top-level verbs are src/cli/<verb>.ts.
import { defineCommand, runCommand, runMain } from "citty";
import { normalizeArgv } from "./argv.ts";
import { checkCommandLine } from "./dispatch.ts";
import { reportAndExit } from "./output.ts";
import { VERSION } from "../core/version.ts";

export const root = defineCommand({
  meta: { name: "fangs", version: VERSION, description: "Catch malicious npm releases by what they do." },
  subCommands: {
    db: () => import("./db/index.ts").then((m) => m.default),
    config: () => import("./config/index.ts").then((m) => m.default),
    sensor: () => import("./sensor/index.ts").then((m) => m.default),
    package: () => import("./package/index.ts").then((m) => m.default),
    pending: () => import("./pending.ts").then((m) => m.default),
    deviation: () => import("./deviation/index.ts").then((m) => m.default),
    baseline: () => import("./baseline/index.ts").then((m) => m.default),
    allow: () => import("./allow/index.ts").then((m) => m.default),
    notifier: () => import("./notifier/index.ts").then((m) => m.default),
    run: () => import("./run/index.ts").then((m) => m.default),
    release: () => import("./release/index.ts").then((m) => m.default),
    ca: () => import("./ca/index.ts").then((m) => m.default),
    audit: () => import("./audit.ts").then((m) => m.default),
    serve: () => import("./serve.ts").then((m) => m.default),
    scan: () => import("./scan/index.ts").then((m) => m.default),
    sandbox: () => import("./sandbox/index.ts").then((m) => m.default),
    runner: () => import("./runner/index.ts").then((m) => m.default),
  },
});

export async function main(argv: string[]): Promise<void> {
  const rawArgs = normalizeArgv(argv);
  // citty's runMain prints errors its own way; it is used only for help and
  // --version, everything else goes through our one error path.
  if (rawArgs.length === 0 || rawArgs.some((a) => a === "--help" || a === "-h") || (rawArgs.length === 1 && rawArgs[0] === "--version")) {
    return runMain(root, { rawArgs: rawArgs.length ? rawArgs : ["--help"] });
  }
  try {
    await checkCommandLine(root, rawArgs);
    await runCommand(root, { rawArgs });
  } catch (e) {
    reportAndExit(e);
  }
}
