import { defineCommand } from "citty";

export default defineCommand({
  meta: { name: "notifier", description: "webhook targets (Slack, Discord, generic/HMAC) fired for every run with deviations" },
  subCommands: {
    add: () => import("./add.ts").then((m) => m.default),
    list: () => import("./list.ts").then((m) => m.default),
    test: () => import("./test.ts").then((m) => m.default),
    history: () => import("./history.ts").then((m) => m.default),
    enable: () => import("./enable.ts").then((m) => m.default),
    disable: () => import("./disable.ts").then((m) => m.default),
    remove: () => import("./remove.ts").then((m) => m.default),
  },
});
