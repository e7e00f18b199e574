// Online, consistent backup. SQLite: VACUUM INTO writes a transactionally
// consistent copy while the orchestrator keeps running. Postgres: pg_dump's job.
import { existsSync } from "node:fs";
import { command } from "../command.ts";
import { FangsError } from "../../core/errors.ts";
import { backupSqlite } from "../../store/db.ts";

export default command({
  meta: { name: "backup", description: "write a consistent copy of the SQLite database to PATH while it is in use" },
  args: { path: { type: "positional", description: "destination file (must not exist)", required: true } },
  async run(ctx) {
    const dest = String(ctx.args.path);
    const db = await ctx.store();
    if (db.dialectName !== "sqlite") throw new FangsError("db backup is for SQLite; for PostgreSQL use pg_dump", { hint: "pg_dump -Fc DBNAME > fangs.dump" });
    if (existsSync(dest)) throw new FangsError(`${dest} already exists; refusing to overwrite`, { hint: "choose a new path" });
    await backupSqlite(db, dest);
    console.log(`backup written to ${dest}`);
  },
});
