// Phase by lineage, written against the attacker who read phase.ts: an
// install leftover acting during the import phase must stay `install` (and
// show as outlived), an import-phase daemon stays `import` after re-parenting,
// and the same act first seen at import is a deviation even when the install
// baseline has it.
import { describe, expect, test } from "bun:test";
import type { FangsEvent } from "../events/types.ts";
import { extractFingerprints } from "./fingerprint.ts";
import { findDeviations } from "./compare.ts";
import { allowChecker } from "./allow.ts";
import { fingerprintKey } from "./types.ts";
import { outlivedProcesses } from "./outlived.ts";
import { PhaseTracker, phaseOfActor } from "./phase.ts";
import { beyondRuntime, runtimeFingerprints } from "./runtime.ts";
import { classify } from "./severity.ts";

const N = "/usr/bin/node";
let t = 0;
const ev = (pid: number, ppid: number, rest: object): FangsEvent => ({ seq: 0, ts_ns: (t += 1_000_000), pid, ppid, uid: 0, comm: "node", exe: N, cgroup_id: "1", ancestry: [], source: "t", ...rest }) as unknown as FangsEvent;
const fork = (pid: number, child: number, ppid = 1) => ev(pid, ppid, { kind: "fork", child_pid: child });
const exec = (pid: number, ppid: number, filename: string, argv: string[]) => ev(pid, ppid, { kind: "exec", filename, argv, source: "sched_process_exec" });
const exit = (pid: number, ppid: number) => ev(pid, ppid, { kind: "exit", exit_code: 0 });
const connect = (pid: number, ppid: number, address: string) => ev(pid, ppid, { kind: "connect", family: "inet", address, port: 443, proto: "tcp" });
const read = (pid: number, ppid: number, path: string) => ev(pid, ppid, { kind: "file", path, flags: 0, access: "read" });
const wait = (ms: number) => void (t += ms * 1_000_000);

/**
 * PID 1 (100) starts npm (110); npm's postinstall (120 sh → 121 node)
 * double-forks 130 (re-parented to PID 1) which connects after npm exits;
 * then PID 1 starts the loader (200), whose package forks a daemon 210 that
 * outlives it; meanwhile the install leftover 130 reads a file.
 */
function run(): FangsEvent[] {
  t = 0;
  const e = [
    exec(100, 1, N, ["node", "-e", "…init…"]),
    fork(100, 110, 1),
    exec(110, 100, "/usr/bin/npm", ["npm", "install", "evil@1.0.0"]),
    fork(110, 120, 100),
    exec(120, 110, "/bin/sh", ["sh", "-c", "node install.js"]),
    fork(120, 121, 110),
    exec(121, 120, N, ["node", "install.js"]),
    read(121, 120, "/srv/install/node_modules/evil/install.js"),
    fork(121, 129, 120),
    fork(129, 130, 121),
    exit(129, 121),
    exit(121, 120),
    exit(120, 110),
    exit(110, 100),
    (wait(5000), connect(130, 100, "192.0.2.7")),
    exit(130, 100),
    fork(100, 200, 1),
    read(200, 100, "/proc/self/fd"), // the forked child before its exec: already the loader
    exec(200, 100, N, ["node", "index.js"]),
    read(200, 100, "/srv/install/node_modules/evil/index.js"),
    connect(200, 100, "198.51.100.9"),
    fork(200, 210, 100),
    exit(200, 100),
    (wait(3000), connect(210, 100, "203.0.113.3")),
    exit(210, 100),
    exit(100, 1),
  ];
  return e.map((x, i) => ({ ...x, seq: i }));
}

describe("phase by lineage", () => {
  test("the loader PID 1 starts and its descendants are import; npm's whole tree, leftovers included, is install", () => {
    const p = new PhaseTracker();
    const got = run().map((e) => [e.pid, p.see(e)] as const);
    const of = (pid: number) => new Set(got.filter(([q]) => q === pid).map(([, ph]) => ph));
    for (const pid of [100, 110, 120, 121, 130]) expect([pid, [...of(pid)]]).toEqual([pid, ["install"]]);
    for (const pid of [200, 210]) expect([pid, [...of(pid)]]).toEqual([pid, ["import"]]);
    expect([p.init, p.npm, p.importRoot]).toEqual([100, 110, 200]);
  });

  test("a leftover that later execs `node -e` as PID 1's adopted child does not become the loader", () => {
    const e = run();
    const i = e.findIndex((x) => x.kind === "connect" && x.pid === 130);
    e.splice(i, 0, exec(130, 100, N, ["node", "-e", "payload"]));
    const p = new PhaseTracker();
    const phases = e.map((x) => [x.pid, p.see(x)] as const);
    expect(phases.filter(([pid]) => pid === 130).every(([, ph]) => ph === "install")).toBe(true);
    expect(p.importRoot).toBe(200);
  });

  test("fingerprints: import actors are import:<bin>; PID 1's own acts and the loader's module reads are not the package's", () => {
    const fps = extractFingerprints(run());
    const keys = fps.map((f) => `${phaseOfActor(f.actor)} ${f.category} ${f.actor} ${f.value}`);
    expect(keys).toContain("install net_new_destination script:evil:node 192.0.2.7:443");
    expect(keys).toContain("import net_new_destination import:node 198.51.100.9:443");
    expect(keys).toContain("import net_new_destination import:node 203.0.113.3:443");
    expect(keys).toContain("install proc_outlived_install script:evil:node /usr/bin/node");
    expect(keys).toContain("import proc_outlived_install import:node /usr/bin/node");
    expect(keys.some((k) => k.includes("/srv/install/node_modules/evil/index.js"))).toBe(false);
    // the loader's own exit is not "outlived"; PID 1 is nobody's evidence
    expect(fps.filter((f) => f.category === "proc_outlived_install")).toHaveLength(2);
    expect(classify("proc_outlived_install", "/usr/bin/node", "import:node").reason).toContain("after the import loader exited");
    expect(classify("proc_outlived_install", "/usr/bin/node", "script:evil:node").reason).toContain("after npm install exited");
  });

  test("a payload moved from install to import is a deviation even though the install baseline had the same act", () => {
    const installed = extractFingerprints(run()).filter((f) => phaseOfActor(f.actor) === "install");
    const baseline = new Set([...installed, { category: "net_new_destination", actor: "script:evil:node", value: "198.51.100.9:443" }].map(fingerprintKey));
    const devs = findDeviations(extractFingerprints(run()), baseline, allowChecker([], "evil")).map((f) => `${f.actor} ${f.value}`);
    expect(devs).toContain("import:node 198.51.100.9:443");
  });

  test("the runtime baseline learns the control's import-phase start-up as it is, capped at low", () => {
    const rt = runtimeFingerprints([
      { category: "fs_new_path_read", actor: "import:node", value: "/etc/ssl/openssl.cnf", evidenceSeq: 1 },
      { category: "fs_new_path_read", actor: "import:node", value: "/srv/install/node_modules/ctl/control.js", evidenceSeq: 2 },
    ], "ctl");
    expect(rt).toEqual([{ category: "fs_new_path_read", actor: "import:node", value: "/etc/ssl/openssl.cnf" }]);
    const keys = new Set(rt.map(fingerprintKey));
    const left = beyondRuntime([
      { category: "fs_new_path_read", actor: "import:node", value: "/etc/ssl/openssl.cnf" },
      { category: "net_new_destination", actor: "import:node", value: "198.51.100.9:443" },
    ], keys);
    expect(left.map((f) => f.value)).toEqual(["198.51.100.9:443"]);
  });
});

describe("what outlived the install", () => {
  test("each leftover with its phase, delay and creators (not the adoptive PID 1)", () => {
    const out = outlivedProcesses(run());
    expect(out.map((o) => [o.pid, o.phase, o.actor])).toEqual([[130, "install", "script:evil:node"], [210, "import", "import:node"]]);
    const left = out[0];
    expect(left.after_ms).toBeGreaterThanOrEqual(5000);
    expect(left.lineage.map((l) => l.pid)).toEqual([129, 121, 120, 110]);
    expect(left.lineage[1]).toMatchObject({ exe: N, argv: ["node", "install.js"] });
    expect(out[1].lineage.map((l) => l.pid)).toEqual([200]);
    expect(out[1].after_ms).toBeGreaterThanOrEqual(3000);
  });
  test("nothing left: an empty list", () => {
    const quiet = run().filter((e) => e.pid !== 130 && e.pid !== 210 && !(e.kind === "fork" && (e.child_pid === 130 || e.child_pid === 210 || e.child_pid === 129)));
    expect(outlivedProcesses(quiet)).toEqual([]);
  });
});
