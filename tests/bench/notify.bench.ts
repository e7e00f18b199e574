// Notifier cost: rendering + signing one message per template (pure), and a
// whole run fanned out to 20 targets on a loopback receiver through SQLite.
//   bun run tests/bench/notify.bench.ts
import { join } from "node:path";
import { render, type NotifyMessage } from "../../src/notify/templates.ts";
import { sign } from "../../src/notify/sign.ts";
import { notifyRun } from "../../src/notify/dispatch.ts";
import { openMigrated } from "../../src/store/index.ts";
import { addNotifier } from "../../src/store/notifiers.ts";
import { enqueueScan } from "../../src/store/runs.ts";
import { tempDir } from "../lib/env.ts";

const msg: NotifyMessage = {
  kind: "run.deviations", run_id: "0123456789abcdef", package: "bench-pkg", version: "1.0.0", deviation_count: 10, max_severity: "critical",
  deviations: Array.from({ length: 10 }, (_, i) => ({ category: "fs_new_path_read", actor: "script:postinstall", value: `/root/<dir ${i}>/@everyone/**x**/.npmrc`, severity: "critical" })),
  urls: { ui: "http://127.0.0.1:8443/ui/runs/0123456789abcdef", api: "http://127.0.0.1:8443/v1/runs/0123456789abcdef" }, time_unix_nano: "1790000000000000000", fangs_version: "bench",
};
const N = 20_000;
for (const t of ["slack", "discord", "generic"] as const) {
  const t0 = performance.now();
  for (let i = 0; i < N; i++) sign("secret", render(t, msg));
  const us = ((performance.now() - t0) * 1000) / N;
  console.log(`render+sign ${t.padEnd(7)}: ${us.toFixed(1)} µs/message (${N} messages)`);
}

const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("ok") });
const db = await openMigrated(join(tempDir("fangs-bench-notify-"), "b.db"));
const TARGETS = 20;
for (let i = 0; i < TARGETS; i++) await addNotifier(db, { name: `b${i}`, url: `http://127.0.0.1:${server.port}/h${i}`, template: (["slack", "discord", "generic"] as const)[i % 3] }, "bench");
const rounds: number[] = [];
for (let r = 0; r < 10; r++) {
  const run = await enqueueScan(db, { package: "bench-pkg", version: `1.0.${r}`, source: "manual", actor: "bench" });
  await db.updateTable("runs").set({ deviation_count: 0, max_severity: "high" }).where("id", "=", run.id).execute();
  const t0 = performance.now();
  const res = await notifyRun(db, (await db.selectFrom("runs").selectAll().where("id", "=", run.id).executeTakeFirstOrThrow()) as never, { baseUrl: "http://127.0.0.1:8443" });
  rounds.push(performance.now() - t0);
  if (res.some((x) => x.result.outcome !== "delivered")) throw new Error("a bench delivery failed");
}
rounds.sort((a, b) => a - b);
console.log(`one run → ${TARGETS} targets (loopback, SQLite, parallel): median ${rounds[5].toFixed(1)} ms, max ${rounds[9].toFixed(1)} ms over 10 runs`);
server.stop(true);
await db.destroy();
