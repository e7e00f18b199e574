import { defineCommand } from "citty";

export default defineCommand({
  meta: { name: "sensor", description: "eBPF sensor diagnostics" },
  subCommands: {
    trace: () => import("./trace.ts").then((m) => m.default),
    layout: () => import("./layout.ts").then((m) => m.default),
  },
});
