import { defineCommand } from "citty";

export default defineCommand({
  meta: { name: "release", description: "versions FANGS looked at" },
  subCommands: { list: () => import("./list.ts").then((m) => m.default) },
});
