// `fangs package set NAME [settings flags] [-reset]`: change a watched
// package's scan settings. Flags given replace those settings; the others
// stay, unless -reset starts from the defaults.
import { command, JSON_ARG } from "../command.ts";
import { operator } from "../operator.ts";
import { printJson, safe } from "../output.ts";
import { SETTINGS_ARGS, settingsCell, settingsFromFlags } from "./settings.ts";

export default command({
  meta: { name: "set", description: "change a watched package's scan settings (registry, network, duration, memory, scan-every-release)" },
  args: {
    name: { type: "positional", description: "package name", required: true },
    reset: { type: "boolean", description: "start from the defaults (then apply the flags given)" },
    ...SETTINGS_ARGS,
    ...JSON_ARG,
  },
  async run(ctx) {
    const name = String(ctx.args.name);
    const { registry, settings } = await (await operator(ctx)).setPackage(name, { settings: settingsFromFlags(ctx.args), reset: ctx.args.reset === true });
    if (ctx.args.json) return printJson({ package: name, registry, settings });
    console.log(`${safe(name)}: ${safe(settingsCell(settings))} (polled on and installed from ${safe(registry)})`);
  },
});
