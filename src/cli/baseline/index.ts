import { group } from "../command.ts";

export default group({ name: "baseline", description: "the rolling per-package baseline" }, {
  list: () => import("./list.ts"), promote: () => import("./promote.ts"),
});
