import { group } from "../command.ts";

export default group({ name: "sensor", description: "eBPF sensor diagnostics" }, {
  trace: () => import("./trace.ts"), layout: () => import("./layout.ts"),
});
