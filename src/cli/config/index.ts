import { defineCommand } from "citty";
import { command } from "../command.ts";
import { dumpConfig } from "../../core/config.ts";
import { printJson } from "../output.ts";

const dump = command({
  meta: { name: "dump", description: "print the effective configuration, secrets redacted" },
  run(ctx) {
    printJson(dumpConfig(ctx.config()));
  },
});

export default defineCommand({ meta: { name: "config", description: "configuration" }, subCommands: { dump } });
