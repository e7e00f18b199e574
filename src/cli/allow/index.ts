import { group } from "../command.ts";

export default group({ name: "allow", description: "allowlist entries (cidr, path, sni; global or per package)" }, {
  add: () => import("./add.ts"), list: () => import("./list.ts"), remove: () => import("./remove.ts"),
});
