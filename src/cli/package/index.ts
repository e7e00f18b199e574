import { group } from "../command.ts";

export default group({ name: "package", description: "the watch list" }, {
  add: () => import("./add.ts"), import: () => import("./import.ts"), set: () => import("./set.ts"),
  watched: () => import("./watched.ts"), list: () => import("./list.ts"), remove: () => import("./remove.ts"),
});
