import { defineCommand } from "citty";

export default defineCommand({
  meta: { name: "allow", description: "allowlist entries (cidr, path, sni; global or per package)" },
  subCommands: {
    add: () => import("./add.ts").then((m) => m.default),
    list: () => import("./list.ts").then((m) => m.default),
    remove: () => import("./remove.ts").then((m) => m.default),
  },
});
