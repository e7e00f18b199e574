import { group } from "../command.ts";

export default group({ name: "scan", description: "one-off scans through the orchestrator" }, {
  submit: () => import("./submit.ts"), status: () => import("./status.ts"),
});
