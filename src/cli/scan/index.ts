import { defineCommand } from "citty";

export default defineCommand({
  meta: { name: "scan", description: "one-off scans through the orchestrator" },
  subCommands: {
    submit: () => import("./submit.ts").then((m) => m.default),
    status: () => import("./status.ts").then((m) => m.default),
  },
});
