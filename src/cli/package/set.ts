// `fangs package set NAME [settings flags] [-reset]`: change a watched
// package's scan settings. Flags given replace those settings; the others
// stay, unless -reset starts from the defaults.
import { command, JSON_ARG } from "../command.ts";
import { cliActor } from "../../store/audit.ts";
import { getPackage, setPackageSettings } from "../../store/packages.ts";
import { NotFoundError } from "../../core/errors.ts";
import { packageRegistry, parseSettings, PackageSettings } from "../../protocol/package_settings.ts";
import * as v from "valibot";
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
    const given = settingsFromFlags(ctx.args);
    const db = await ctx.store();
    const p = await getPackage(db, name);
    if (!p || p.watched !== 1) throw new NotFoundError(`watched package ${name}`, "fangs package watched");
    const settings = v.parse(PackageSettings, { ...(ctx.args.reset ? {} : parseSettings(p.settings)), ...given });
    await db.transaction().execute((tx) => setPackageSettings(tx, name, settings, cliActor()));
    const registry = packageRegistry(String(ctx.config().registry), settings);
    if (ctx.args.json) return printJson({ package: name, registry, settings });
    console.log(`${safe(name)}: ${safe(settingsCell(settings))} (polled on and installed from ${safe(registry)})`);
  },
});
