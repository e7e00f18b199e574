// `fangs runner` starts the daemon; `fangs runner doctor` checks the host;
// `fangs runner list` shows the pool. The parser (dispatch.ts) runs the
// daemon only when no subcommand was named.
import { defineCommand } from "citty";
import daemon from "./daemon.ts";

export default defineCommand({
  meta: { name: "runner", description: "run the scan-host daemon (default); doctor checks the host, list shows the runner pool" },
  args: daemon.args,
  subCommands: {
    doctor: () => import("./doctor.ts").then((m) => m.default),
    list: () => import("./list.ts").then((m) => m.default),
  },
  run: daemon.run,
});
