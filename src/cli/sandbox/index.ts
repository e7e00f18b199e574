import { defineCommand } from "citty";

export default defineCommand({
  meta: { name: "sandbox", description: "the sandbox image" },
  subCommands: {
    "build-image": () => import("./build-image.ts").then((m) => m.default),
  },
});
