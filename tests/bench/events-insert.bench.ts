// insertEvents into SQLite in runner-sized batches (target ≥ 200,000 events/s).
//   bun run tests/bench/events-insert.bench.ts
import { join } from "node:path";
import type { FangsEvent } from "../../src/events/types.ts";
import { openMigrated } from "../../src/store/index.ts";
import { insertEvents } from "../../src/store/events.ts";
import { tempDir } from "../lib/env.ts";

const TOTAL = 300_000;
const BATCH = 5_000;
const events: FangsEvent[] = Array.from({ length: TOTAL }, (_, i) => ({
  seq: i, ts_ns: 1e12 + i * 1000, pid: 100 + (i % 50), ppid: 10, uid: 0, comm: "node", exe: "/usr/local/bin/node", cgroup_id: "4242",
  ancestry: [{ pid: 10, comm: "npm install x", exe: "/usr/local/bin/node" }, { pid: 1, comm: "runc:[2:INIT]", exe: "/usr/bin/runc" }],
  source: "sys_enter_openat", kind: "file", path: `/app/node_modules/pkg${i % 300}/lib/file${i}.js`, flags: 0, access: "read", dirfd: -100,
}));
const db = await openMigrated(join(tempDir("fangs-bench-"), "fangs.db"));
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < TOTAL; i += BATCH) await insertEvents(db, "run1", events.slice(i, i + BATCH));
const s = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuS = (cpu.user + cpu.system) / 1e6;
const rate = TOTAL / s;
const n = await db.selectFrom("events").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
await db.destroy();
console.log(`events-insert (SQLite): ${TOTAL.toLocaleString("en")} events in batches of ${BATCH} in ${s.toFixed(2)} s → ${Math.round(rate).toLocaleString("en")} events/s ${rate >= 200_000 ? "(target ≥ 200,000: OK)" : "(target ≥ 200,000: MISSED)"}; stored ${n.n}; CPU ${cpuS.toFixed(2)} s (${Math.round(TOTAL / cpuS).toLocaleString("en")} events per CPU-second; the machine is shared, wall time includes waiting for a core)`);
if (rate < 200_000) process.exitCode = 1;
