import { describe, expect, test } from "bun:test";
import type { FangsEvent } from "../events/types.ts";
import { ActorResolver, packageFromPath } from "./actors.ts";
import { extractFingerprints } from "./fingerprint.ts";

let seq = 0;
const base = (pid: number, ppid: number, comm: string, exe: string) => ({ seq: seq++, ts_ns: seq, pid, ppid, uid: 0, comm, exe, cgroup_id: "1", ancestry: [], source: "t" });
const exec = (pid: number, ppid: number, comm: string, exe: string, filename: string, argv: string[]): FangsEvent => ({ ...base(pid, ppid, comm, exe), kind: "exec", filename, argv });
const open = (pid: number, ppid: number, comm: string, exe: string, path: string): FangsEvent => ({ ...base(pid, ppid, comm, exe), kind: "file", path, flags: 0, access: "read" });

describe("packageFromPath", () => {
  test.each([
    ["/app/node_modules/evil/install.js", "evil"],
    ["/app/node_modules/@scope/pkg/x.js", "@scope/pkg"],
    ["/app/node_modules/a/node_modules/b/x.js", "b"],
    ["/app/node_modules/.bin/x", undefined],
    ["/usr/lib/x.so", undefined],
  ])("%s → %s", (p, pkg) => expect(packageFromPath(p)).toBe(pkg));
});

describe("actors", () => {
  // npm (pid 10) runs two scripts: a dependency's and the root package's.
  const events: FangsEvent[] = [
    exec(10, 1, "runc:[2:INIT]", "/usr/bin/runc", "/usr/local/bin/npm", ["npm", "install", "top"]),
    exec(10, 1, "env", "/usr/bin/env", "/usr/local/bin/node", ["node", "/usr/local/bin/npm", "install", "top"]),
    open(10, 1, "npm install", "/usr/local/bin/node", "/root/.npmrc"),
    exec(20, 10, "npm install", "/usr/local/bin/node", "/bin/sh", ["sh", "-c", "node-gyp rebuild"]),
    exec(21, 20, "sh", "/bin/busybox", "/usr/local/bin/node-gyp", ["node-gyp", "rebuild"]),
    open(21, 20, "node-gyp", "/usr/local/bin/node", "/app/node_modules/@scope/native/binding.gyp"),
    exec(30, 10, "npm install", "/usr/local/bin/node", "/bin/sh", ["sh", "-c", "node install.js"]),
    exec(31, 30, "sh", "/bin/busybox", "/usr/local/bin/node", ["node", "install.js"]),
    open(31, 30, "node", "/usr/local/bin/node", "/app/node_modules/top/install.js"),
    open(31, 30, "node", "/usr/local/bin/node", "/root/.npmrc"),
    exec(40, 31, "node", "/usr/local/bin/node", "/usr/bin/curl", ["curl", "x"]),
    open(99, 0, "containerd-shim", "/usr/bin/containerd-shim", "/etc/hosts"),
  ];
  const r = new ActorResolver(events);
  test.each([
    [{ pid: 10, exe: "/usr/local/bin/node", comm: "npm" }, "npm"],
    [{ pid: 21, exe: "/usr/local/bin/node", comm: "node-gyp" }, "script:@scope/native:node"],
    [{ pid: 20, exe: "/bin/busybox", comm: "sh" }, "script:@scope/native:busybox"],
    [{ pid: 31, exe: "/usr/local/bin/node", comm: "node" }, "script:top:node"],
    [{ pid: 40, exe: "/usr/bin/curl", comm: "curl" }, "script:top:curl"],
    [{ pid: 99, exe: "/usr/bin/containerd-shim", comm: "containerd-shim" }, "proc:containerd-shim"],
  ])("%o → %s", (who, actor) => expect(r.actorOf(who)).toBe(actor));

  test("npm spawning a script's shell is npm's act; the script's own reads are the script's", () => {
    const f = extractFingerprints(events).map((x) => `${x.category} ${x.actor} ${x.value}`);
    expect(f).toContain("proc_new_exec npm /bin/sh");
    expect(f).toContain("fs_new_path_read npm /root/.npmrc");
    expect(f).toContain("fs_new_path_read script:top:node /root/.npmrc");
    expect(f).toContain("proc_new_exec script:top:node /usr/bin/curl");
  });
});

describe("evasions and exec hooks", () => {
  const npmStart = () => [
    exec(10, 1, "runc:[2:INIT]", "/usr/bin/runc", "/usr/local/bin/npm", ["npm", "install", "top"]),
    exec(30, 10, "npm install", "/usr/local/bin/node", "/bin/sh", ["sh", "-c", "node install.js"]),
    exec(31, 30, "sh", "/bin/busybox", "/usr/local/bin/node", ["node", "install.js"]),
    open(31, 30, "node", "/usr/local/bin/node", "/app/node_modules/top/install.js"),
  ];
  const actorsOf = (events: FangsEvent[], value: string) =>
    extractFingerprints(events).filter((f) => f.value === value).map((f) => f.actor);

  test("a process a script starts with argv[0] 'npm' is still the script", () => {
    const events = [
      ...npmStart(),
      exec(32, 31, "node", "/usr/local/bin/node", "/usr/local/bin/node", ["npm", "/tmp/evil.js"]),
      open(32, 31, "npm", "/usr/local/bin/node", "/root/.npmrc"),
    ];
    expect(actorsOf(events, "/root/.npmrc")).toEqual(["script:top:node"]);
  });

  test("a double-forked child adopted by npm is an orphan, not npm", () => {
    const events = [...npmStart(), open(77, 10, "node", "/usr/local/bin/node", "/root/.npmrc")];
    expect(actorsOf(events, "/root/.npmrc")).toEqual(["orphan:node"]);
  });

  test("sys_enter_execve and sched_process_exec of one exec give one fingerprint", () => {
    const enter = exec(40, 31, "node", "/usr/local/bin/node", "/usr/bin/curl", ["curl", "x"]);
    const done = { ...exec(40, 31, "curl", "/usr/bin/curl", "/usr/bin/curl", ["curl", "x"]), source: "sched_process_exec" } as FangsEvent;
    expect(actorsOf([...npmStart(), enter, done], "/usr/bin/curl")).toEqual(["script:top:node"]);
    // sched_process_exec alone (enter event lost): the forked child ran its parent's image.
    const alone = { ...done, ancestry: [{ pid: 31, comm: "node", exe: "/usr/local/bin/node" }] } as FangsEvent;
    expect(actorsOf([...npmStart(), alone], "/usr/bin/curl")).toEqual(["script:top:node"]);
  });

  test("npm's PATH search for sh is not behaviour; a package's own .bin/sh that runs is", () => {
    const search = (file: string, source = "sys_enter_execve") =>
      ({ ...exec(50, 10, "npm install", "", file, ["sh", "-c", "node x.js"]), source }) as FangsEvent;
    const base = [exec(10, 1, "runc:[2:INIT]", "/usr/bin/runc", "/usr/local/bin/npm", ["npm", "install", "top"])];
    const honest = [...base, search("/app/node_modules/top/node_modules/.bin/sh"), search("/app/node_modules/.bin/sh"), search("/bin/sh"), search("/bin/sh", "sched_process_exec")];
    expect(extractFingerprints(honest).filter((f) => f.category === "proc_new_exec" && f.actor === "npm").map((f) => f.value)).toEqual(["/usr/local/bin/npm", "/bin/sh"]);
    const hijack = [...base, search("/app/node_modules/top/node_modules/.bin/sh"), search("/app/node_modules/.bin/sh"), search("/app/node_modules/.bin/sh", "sched_process_exec")];
    expect(extractFingerprints(hijack).map((f) => f.value)).toContain("/app/node_modules/.bin/sh");
  });
});

describe("creator chain (fork events)", () => {
  const fork = (pid: number, ppid: number, comm: string, exe: string, child: number): FangsEvent => ({ ...base(pid, ppid, comm, exe), kind: "fork", child_pid: child });
  const npmStart = () => [
    exec(10, 1, "runc:[2:INIT]", "/usr/bin/runc", "/usr/local/bin/npm", ["npm", "install", "top"]),
    fork(10, 1, "npm install", "/usr/local/bin/node", 30),
    exec(30, 10, "npm install", "/usr/local/bin/node", "/bin/sh", ["sh", "-c", "node install.js"]),
    exec(31, 30, "sh", "/bin/busybox", "/usr/local/bin/node", ["node", "install.js"]),
    open(31, 30, "node", "/usr/local/bin/node", "/app/node_modules/top/install.js"),
  ];
  const actorsOf = (events: FangsEvent[], value: string) => extractFingerprints(events).filter((f) => f.value === value).map((f) => f.actor);

  test("a double-forked grandchild re-parented to npm is attributed to the script that created it", () => {
    const events = [
      ...npmStart(),
      fork(31, 30, "node", "/usr/local/bin/node", 32), // the script's node forks a child…
      fork(32, 31, "node", "/usr/local/bin/node", 33), // …which forks the grandchild and exits
      // the grandchild, now a child of npm (the sandbox's pid 1), never exec'd
      open(33, 10, "node", "/usr/local/bin/node", "/root/.npmrc"),
    ];
    expect(actorsOf(events, "/root/.npmrc")).toEqual(["script:top:node"]);
    // without the fork records, the same open is only an orphan
    expect(actorsOf(events.filter((e) => e.kind !== "fork"), "/root/.npmrc")).toEqual(["orphan:node"]);
  });

  test("npm's own fork that never execs stays npm", () => {
    const events = [...npmStart(), fork(10, 1, "npm install", "/usr/local/bin/node", 40), open(40, 10, "npm install", "/usr/local/bin/node", "/root/.npmrc")];
    expect(actorsOf(events, "/root/.npmrc")).toEqual(["npm"]);
  });
});

describe("sensor fidelity fields", () => {
  const truncatedOpen = (path: string): FangsEvent => ({ ...open(31, 30, "node", "/usr/local/bin/node", path), path_truncated: true } as FangsEvent);
  test("a cut path never equals the baseline path its prefix normalizes to", async () => {
    const { findDeviations } = await import("./compare.ts");
    const { fingerprintKey } = await import("./types.ts");
    const honest = extractFingerprints([open(31, 30, "node", "/usr/local/bin/node", "/app/node_modules/top/package.json")]);
    const baseline = new Set(honest.map(fingerprintKey));
    // 256 bytes of "/app/node_modules/top/package.json/./././…": normalizes to the baseline path
    const cut = "/app/node_modules/top/package.json" + "/.".repeat(111);
    const fps = extractFingerprints([truncatedOpen(cut)]);
    expect(fps[0].value).toBe("<truncated> /app/node_modules/top/package.json");
    expect(findDeviations(fps, baseline, () => false).length).toBe(1);
    // even a baseline that holds the very same cut value does not absorb it
    expect(findDeviations(fps, new Set(fps.map(fingerprintKey)), () => false).length).toBe(1);
  });

  test("an unreadable path or destination is a value of its own, not dropped", () => {
    const unreadable = { ...open(31, 30, "node", "/usr/local/bin/node", ""), unreadable: true } as FangsEvent;
    const dest = { ...base(31, 30, "node", "/usr/local/bin/node"), kind: "connect", family: "inet", address: "", port: 0, proto: "udp", unreadable: true } as FangsEvent;
    expect(extractFingerprints([unreadable, dest]).map((f) => `${f.category} ${f.value}`)).toEqual(["fs_new_path_read <unreadable> ?", "net_new_destination <unreadable> ?"]);
  });

  test("raw and packet sockets are listeners", () => {
    const raw = { ...base(31, 30, "node", "/usr/local/bin/node"), kind: "socket", family: "packet", type: "raw", protocol: 768 } as FangsEvent;
    expect(extractFingerprints([raw]).map((f) => `${f.category} ${f.value}`)).toEqual(["net_new_listen socket:packet/raw/768"]);
  });
});
