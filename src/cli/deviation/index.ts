import { group } from "../command.ts";

export default group({ name: "deviation", description: "what a run did that its baseline had not seen" }, {
  list: () => import("./list.ts"), show: () => import("./show.ts"),
});
