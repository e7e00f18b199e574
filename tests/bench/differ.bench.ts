// The differ on a big run: 100,000 events against a 50,000-fingerprint
// baseline, pure (target < 1 s), then the full diffRun through SQLite.
//   bun run tests/bench/differ.bench.ts
import { join } from "node:path";
import type { FangsEvent } from "../../src/events/types.ts";
import { allowChecker, extractFingerprints, findDeviations, fingerprintKey } from "../../src/differ/index.ts";
import { openMigrated } from "../../src/store/index.ts";
import { enqueueScan } from "../../src/store/runs.ts";
import { insertEvents } from "../../src/store/events.ts";
import { mergeIntoBaseline } from "../../src/store/baseline.ts";
import { diffRun } from "../../src/triage/diff.ts";
import { markFinished } from "../lib/runs.ts";
import { tempDir } from "../lib/env.ts";
import { baitValues, newBait } from "../../src/runner/bait.ts";

const N = 100_000;
const BASELINE = 50_000;

function bigRun(): FangsEvent[] {
  const ev: FangsEvent[] = [];
  const c = (pid: number, ppid: number, comm: string, exe: string) => ({ seq: ev.length, ts_ns: ev.length * 1000, pid, ppid, uid: 0, comm, exe, cgroup_id: "1", ancestry: [{ pid: ppid, comm: "p", exe: "/usr/local/bin/node" }], source: "bench" });
  ev.push({ ...c(10, 1, "runc:[2:INIT]", "/usr/bin/runc"), kind: "exec", filename: "/usr/local/bin/npm", argv: ["npm", "install", "big"] });
  for (let s = 0; s < 20; s++) {
    ev.push({ ...c(100 + s * 3, 10, "npm install", "/usr/local/bin/node"), kind: "exec", filename: "/bin/sh", argv: ["sh", "-c", "node build.js"] });
    ev.push({ ...c(101 + s * 3, 100 + s * 3, "sh", "/bin/busybox"), kind: "exec", filename: "/usr/local/bin/node", argv: ["node", "build.js"] });
    ev.push({ ...c(101 + s * 3, 100 + s * 3, "node", "/usr/local/bin/node"), kind: "file", path: `/app/node_modules/dep${s}/build.js`, flags: 0, access: "read" });
  }
  while (ev.length < N) {
    const i = ev.length;
    const script = i % 4 === 0;
    const pid = script ? 101 + (i % 20) * 3 : 10;
    const who = c(pid, script ? pid - 1 : 1, "node", "/usr/local/bin/node");
    switch (i % 10) {
      case 0: ev.push({ ...who, kind: "connect", family: "inet", address: `198.51.100.${i % 200}`, port: 443, proto: "tcp" }); break;
      case 1: ev.push({ ...who, kind: "dns", qname: `h${i % 3000}.example`, qtype: "A", server: "192.0.2.53", port: 53 }); break;
      case 2: ev.push({ ...who, kind: "tls", sni: `h${i % 3000}.example` }); break;
      default: ev.push({ ...who, kind: "file", path: `/usr/lib/share/dir${i % 700}/file-${i % 40000}.dat`, flags: 0, access: i % 7 ? "read" : "write" });
    }
  }
  return ev;
}

const events = bigRun();
// Every run carries its bait values now: the bait scan is part of the measured path.
const bait = baitValues(newBait());
// CPU time beside wall time: on a shared machine the wall clock measures the neighbours too.
const cpuMs = (since: NodeJS.CpuUsage) => { const u = process.cpuUsage(since); return (u.user + u.system) / 1000; };
const c0 = process.cpuUsage();
const t0 = performance.now();
const fps = extractFingerprints(events, { bait });
const t1 = performance.now();
// Baseline: half of the run's fingerprints plus unrelated ones, 50,000 total.
const keys = fps.slice(0, Math.floor(fps.length / 2)).map(fingerprintKey);
for (let i = 0; keys.length < BASELINE; i++) keys.push(fingerprintKey({ category: "fs_new_path_read", actor: "npm", value: `/other/${i}` }));
const baseline = new Set(keys);
const t2 = performance.now();
const devs = findDeviations(fps, baseline, allowChecker([{ kind: "cidr", value: "198.51.100.0/25" }], "big"));
const t3 = performance.now();
const pureCpu = cpuMs(c0);
const pureMs = t1 - t0 + (t3 - t2);
console.log(`differ (pure): ${N} events, ${fps.length} fingerprints, baseline ${baseline.size}, ${devs.length} deviations`);
console.log(`  extract ${(t1 - t0).toFixed(0)} ms + compare ${(t3 - t2).toFixed(0)} ms = ${pureMs.toFixed(0)} ms → ${Math.round(N / (pureMs / 1000)).toLocaleString("en")} events/s ${pureMs < 1000 ? "(target < 1 s: OK)" : "(target < 1 s: MISSED)"}; CPU ${pureCpu.toFixed(0)} ms (incl. building the baseline set)`);

// The same through the store (SQLite): load events, extract, write fingerprints/deviations.
const db = await openMigrated(join(tempDir("fangs-bench-"), "fangs.db"));
const seedRun = await enqueueScan(db, { package: "big", version: "1.0.0", source: "manual", actor: "bench" });
await db.updateTable("runs").set({ is_baseline: 1 }).where("id", "=", seedRun.id).execute();
await mergeIntoBaseline(db, "big", seedRun.id, keys.map((k) => { const [category, actor, value] = k.split("\u0000"); return { category: category as never, actor, value, evidenceSeq: 0 }; }));
const run = await enqueueScan(db, { package: "big", version: "1.0.1", source: "manual", actor: "bench" });
await db.updateTable("runs").set({ bait: JSON.stringify(bait) }).where("id", "=", run.id).execute();
await insertEvents(db, run.id, events);
await markFinished(db, run.id);
const c4 = process.cpuUsage();
const t4 = performance.now();
const r = await diffRun(db, run.id);
const t5 = performance.now();
console.log(`diffRun (SQLite, incl. loading events and writing results): ${(t5 - t4).toFixed(0)} ms → ${Math.round(N / ((t5 - t4) / 1000)).toLocaleString("en")} events/s, CPU ${cpuMs(c4).toFixed(0)} ms, verdict ${r.verdict}, ${r.deviations} deviations`);
await db.destroy();
if (pureMs >= 1000) process.exitCode = 1;
