import { defineCommand } from "citty";

export default defineCommand({
  meta: { name: "db", description: "database maintenance" },
  subCommands: {
    migrate: () => import("./migrate.ts").then((m) => m.default),
    backup: () => import("./backup.ts").then((m) => m.default),
  },
});
