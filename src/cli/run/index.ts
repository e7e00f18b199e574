import { defineCommand } from "citty";

export default defineCommand({
  meta: { name: "run", description: "sandboxed installs and their verdicts" },
  subCommands: {
    list: () => import("./list.ts").then((m) => m.default),
    show: () => import("./show.ts").then((m) => m.default),
    confirm: () => import("./confirm.ts").then((m) => m.default),
    report: () => import("./report.ts").then((m) => m.default),
    diff: () => import("./diff.ts").then((m) => m.default),
  },
});
