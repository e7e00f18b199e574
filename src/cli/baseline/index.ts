import { defineCommand } from "citty";

export default defineCommand({
  meta: { name: "baseline", description: "the rolling per-package baseline" },
  subCommands: {
    list: () => import("./list.ts").then((m) => m.default),
    promote: () => import("./promote.ts").then((m) => m.default),
  },
});
