import { group } from "../command.ts";

export default group({ name: "db", description: "database maintenance" }, {
  migrate: () => import("./migrate.ts"), backup: () => import("./backup.ts"),
});
