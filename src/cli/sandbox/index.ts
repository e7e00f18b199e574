import { group } from "../command.ts";

export default group({ name: "sandbox", description: "the sandbox image" }, {
  "build-image": () => import("./build-image.ts"),
});
