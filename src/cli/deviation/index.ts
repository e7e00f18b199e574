import { defineCommand } from "citty";

export default defineCommand({
  meta: { name: "deviation", description: "what a run did that its baseline had not seen" },
  subCommands: {
    list: () => import("./list.ts").then((m) => m.default),
    show: () => import("./show.ts").then((m) => m.default),
  },
});
