import { group } from "../command.ts";

export default group({ name: "notifier", description: "webhook targets (Slack, Discord, generic/HMAC) fired for every run with deviations" }, {
  add: () => import("./add.ts"), list: () => import("./list.ts"), test: () => import("./test.ts"),
  history: () => import("./history.ts"), enable: () => import("./enable.ts"),
  disable: () => import("./disable.ts"), remove: () => import("./remove.ts"),
});
