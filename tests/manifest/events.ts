// Events of an npm install whose lifecycle scripts run `sh -c <command>` then
// `node <file>` in their package (the shape the actor resolver reads), and
// optionally steal: read ~/.aws/credentials, connect 192.0.2.77:443 (only data).
import type { FangsEvent } from "../../src/events/types.ts";

let seq = 0;
export const ev = (pid: number, ppid: number, comm: string, exe: string) => ({ seq: seq++, ts_ns: seq, pid, ppid, uid: 0, comm, exe, cgroup_id: "1", ancestry: [] as { pid: number; comm: string; exe: string }[], source: "t" });
const exec = (pid: number, ppid: number, comm: string, filename: string, argv: string[]): FangsEvent => ({ ...ev(pid, ppid, comm, "/usr/bin/node"), kind: "exec", filename, argv });
const open = (pid: number, ppid: number, path: string, ancestry: number[] = []): FangsEvent => ({ ...ev(pid, ppid, "node", "/usr/bin/node"), ancestry: ancestry.map((p) => ({ pid: p, comm: "sh", exe: "/bin/busybox" })), kind: "file", path, flags: 0, access: "read" });

export interface ScriptRun { pkg: string; command: string; file: string; steal?: boolean }

export function installEvents(pkg: string, scripts: ScriptRun[]): FangsEvent[] {
  seq = 0;
  const out: FangsEvent[] = [exec(10, 1, "runc:[2:INIT]", "/usr/bin/npm", ["npm", "install", pkg]), open(10, 1, "/srv/install/package.json")];
  let pid = 20;
  for (const s of scripts) {
    out.push(exec(pid, 10, "npm install", "/bin/sh", ["sh", "-c", s.command]));
    out.push(exec(pid + 1, pid, "sh", "/usr/bin/node", ["node", s.file]));
    out.push(open(pid + 1, pid, `/srv/install/node_modules/${s.pkg}/${s.file}`, [pid, 10]));
    if (s.steal) {
      out.push(open(pid + 1, pid, "/root/.aws/credentials", [pid, 10]));
      out.push({ ...ev(pid + 1, pid, "node", "/usr/bin/node"), ancestry: [{ pid, comm: "sh", exe: "/bin/busybox" }], kind: "connect", family: "inet", address: "192.0.2.77", port: 443, proto: "tcp" });
    }
    pid += 10;
  }
  return out;
}
