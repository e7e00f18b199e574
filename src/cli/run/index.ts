import { group } from "../command.ts";

export default group({ name: "run", description: "sandboxed installs and their verdicts" }, {
  list: () => import("./list.ts"), show: () => import("./show.ts"), confirm: () => import("./confirm.ts"),
  report: () => import("./report.ts"), diff: () => import("./diff.ts"),
});
