import { defineCommand } from "citty";

export default defineCommand({
  meta: { name: "ca", description: "certificate authority for TLS and runner mTLS (no openssl needed)" },
  subCommands: {
    init: () => import("./init.ts").then((m) => m.default),
    "issue-server": () => import("./issue-server.ts").then((m) => m.default),
    "issue-runner": () => import("./issue-runner.ts").then((m) => m.default),
    revoke: () => import("./revoke.ts").then((m) => m.default),
    revoked: () => import("./revoked.ts").then((m) => m.default),
  },
});
