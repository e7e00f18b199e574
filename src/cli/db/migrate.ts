import { command, JSON_ARG } from "../command.ts";
import { openStore } from "../../store/db.ts";
import { migrate } from "../../store/migrate.ts";
import { printJson } from "../output.ts";

export default command({
  meta: { name: "migrate", description: "apply pending schema migrations (a second run is a no-op)" },
  args: { ...JSON_ARG },
  async run(ctx) {
    const db = openStore(ctx.config().db);
    try {
      const r = await migrate(db);
      if (ctx.args.json) printJson(r);
      else if (r.applied.length) console.log(`applied ${r.applied.join(", ")}; schema at ${r.current}`);
      else console.log(`schema already at ${r.current}; nothing to do`);
    } finally {
      await db.destroy();
    }
  },
});
