import { defineCommand } from "citty";

export default defineCommand({
  meta: { name: "package", description: "the watch list" },
  subCommands: {
    add: () => import("./add.ts").then((m) => m.default),
    import: () => import("./import.ts").then((m) => m.default),
    set: () => import("./set.ts").then((m) => m.default),
    watched: () => import("./watched.ts").then((m) => m.default),
    list: () => import("./list.ts").then((m) => m.default),
    remove: () => import("./remove.ts").then((m) => m.default),
  },
});
