import { group } from "../command.ts";

export default group({ name: "ca", description: "certificate authority for TLS and runner mTLS (no openssl needed)" }, {
  init: () => import("./init.ts"), "issue-server": () => import("./issue-server.ts"),
  "issue-runner": () => import("./issue-runner.ts"), revoke: () => import("./revoke.ts"),
  revoked: () => import("./revoked.ts"),
});
