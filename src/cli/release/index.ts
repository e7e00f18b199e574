import { group } from "../command.ts";

export default group({ name: "release", description: "versions FANGS looked at" }, {
  list: () => import("./list.ts"),
});
