// Sensor fidelity (issue 11): each trick an attacker who has read this repo
// would use to make the recorded strings lie, run for real from the compiled
// executable in a cgroup of the test's own (network tricks in a sealed
// namespace, RFC 5737 addresses only). Each test asserts the event shows the
// true object, program or creator, and that the differ does not fold it into
// a baseline value.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../lib/env.ts";
import { makeCgroup, runIn, startTrace, workload, type Ran } from "./helpers.ts";
import type { SensorEvent } from "../../src/sensor/types.ts";
import type { FangsEvent } from "../../src/events/types.ts";
import { extractFingerprints, findDeviations, fingerprintKey } from "../../src/differ/index.ts";

const R = tempDir("fangs-fidelity-");
const cg = makeCgroup("fidelity");
const wl = workload();
const runs: Record<string, Ran> = {};
let events: SensorEvent[] = [];

// the tree the tricks play in
const pkg = join(R, "node_modules/top");
const secret = join(R, "fake-root/.npmrc");
mkdirSync(pkg, { recursive: true });
mkdirSync(join(R, "fake-root"));
writeFileSync(join(pkg, "package.json"), "{}");
writeFileSync(secret, "//registry.example/:_authToken=bait");
writeFileSync(join(R, "secret.txt"), "bait");
// 1. long paths: > 256 bytes whose first 255 normalize to a baseline path
const longResolved = pkg + "/" + "./".repeat(150) + "../../secret.txt"; // opens R/secret.txt
const longFailed = join(pkg, "package.json") + "/.".repeat(150) + "/../../../secret.txt"; // ENOTDIR
const deep = join(R, "deep", ...new Array(60).fill("d")); // deeper than the 48-step walk
mkdirSync(deep, { recursive: true });
writeFileSync(join(deep, "f"), "x");
// 3. exec identity
writeFileSync(join(R, "noexec.sh"), "#!/bin/sh\necho hi\n"); // mode 0644: EACCES
mkdirSync(join(R, "a/b/c"), { recursive: true });
mkdirSync(join(R, "a/usr/bin"), { recursive: true });
mkdirSync(join(R, "build"));
copyFileSync(wl, join(R, "a/usr/bin/node")); // the real program ("busybox nc -e")
chmodSync(join(R, "a/usr/bin/node"), 0o755);
symlinkSync(join(R, "a/b/c"), join(R, "build/l"));
const trickExec = join(R, "build") + "/l/../../usr/bin/node"; // folds to R/usr/bin/node as a string
// 4. a stand-in npm (argv[0] …/bin/npm) and a package that double-forks
mkdirSync(join(R, "bin"));
symlinkSync(wl, join(R, "bin/npm"));
mkdirSync(join(R, "node_modules/evil"));
writeFileSync(join(R, "node_modules/evil/index.js"), "");
// 5. a baseline path swapped for a symlink to the credentials
const swapped = join(R, "swap/node_modules/top/package.json");
mkdirSync(join(R, "ops"));
mkdirSync(join(R, "run"));
symlinkSync(join(R, "run"), join(R, "var-run")); // like /var/run -> /run
mkdirSync(join(R, "swap/node_modules/top"), { recursive: true });
symlinkSync(secret, swapped);

beforeAll(async () => {
  const trace = await startTrace(cg.path);
  try {
    runs.baselineDir = runIn(cg.path, [wl, "open", pkg]);
    runs.baselineFile = runIn(cg.path, [wl, "open", join(pkg, "package.json")]);
    runs.longResolved = runIn(cg.path, [wl, "open", longResolved]);
    runs.longFailed = runIn(cg.path, [wl, "open", longFailed]);
    runs.deep = runIn(cg.path, [wl, "openat-dirfd", deep, "f"]);
    runs.udp = runIn(cg.path, [wl, "udp-sendto", "198.51.100.66", "9999", "1000"], { sealedNet: true });
    runs.udpMsg = runIn(cg.path, [wl, "udp-sendmsg", "203.0.113.5", "5353"], { sealedNet: true });
    runs.udpMmsg = runIn(cg.path, [wl, "udp-sendmmsg-decoys", "198.51.100.70", "7000", "20"], { sealedNet: true });
    runs.raw = runIn(cg.path, [wl, "raw-sockets", "-"], { sealedNet: true });
    runs.unix = runIn(cg.path, [wl, "unix-connect", join(R, "docker.sock")]);
    runs.unixRel = runIn(cg.path, [wl, "unix-connect-via", join(R, "var-run"), "docker.sock"]);
    runs.eacces = runIn(cg.path, [wl, "exec", join(R, "noexec.sh"), "noexec.sh"]);
    runs.enoentRel = runIn(cg.path, [wl, "exec", "nosuch-relative", "nosuch-relative"]);
    runs.memfd = runIn(cg.path, [wl, "memfd-exec", join(R, "after-memfd")]);
    runs.symlinkExec = runIn(cg.path, [trickExec, "open", join(R, "after-trick")]);
    runs.npm = runIn(cg.path, [join(R, "bin/npm"), "npm", `${wl} double-fork ${join(R, "node_modules/evil/index.js")} ${secret}`]);
    runs.swap = runIn(cg.path, [wl, "open", swapped]);
    runs.uringSwap = runIn(cg.path, [wl, "uring-open", swapped]);
    runs.dirfd = runIn(cg.path, [wl, "openat-dirfd", pkg, "package.json"]);
    runs.fileops = runIn(cg.path, [wl, "fileops", join(R, "ops"), secret]);
    runs.uringOps = runIn(cg.path, [wl, "uring-fileops", join(R, "ops"), secret]);
    runs.uringSend = runIn(cg.path, [wl, "uring-sendto", "198.51.100.67", "9998"], { sealedNet: true });
  } finally {
    ({ events } = await trace.stop());
  }
}, 60_000);

afterAll(() => cg.remove());

const byPid = (pid: number) => events.filter((e) => e.pid === pid);
function all<K extends SensorEvent["kind"]>(pid: number, kind: K, pred: (e: Extract<SensorEvent, { kind: K }>) => boolean = () => true) {
  return byPid(pid).filter((e) => e.kind === kind).map((e) => e as Extract<SensorEvent, { kind: K }>).filter(pred);
}
function one<K extends SensorEvent["kind"]>(pid: number, kind: K, pred: (e: Extract<SensorEvent, { kind: K }>) => boolean): Extract<SensorEvent, { kind: K }> {
  const found = all(pid, kind, pred);
  if (found.length === 0) throw new Error(`no ${kind} event from pid ${pid}; saw: ${JSON.stringify(byPid(pid).map((e) => [e.kind, e.source, "path" in e ? e.path : "filename" in e ? e.filename : ""]))}`);
  return found[0];
}
/** The run's events as the differ sees them (seq in arrival order). */
const asRun = (evs: SensorEvent[]): FangsEvent[] => evs.map((e, seq) => ({ ...e, seq }) as FangsEvent);
const fileFps = (evs: SensorEvent[]) => extractFingerprints(asRun(evs)).filter((f) => f.category === "fs_new_path_read");

describe("1. truncated paths", () => {
  test("a >256-byte path the kernel resolved is recorded as the file opened, the cut request kept", () => {
    const e = one(runs.longResolved.pid, "file", (e) => e.source === "sys_exit_openat" && e.path === join(R, "secret.txt"));
    expect(e.requested?.startsWith(pkg + "/././")).toBe(true);
    expect(e.requested!.length).toBe(255);
    expect(e.path_truncated).toBeUndefined(); // the resolved path is whole
    // against a baseline holding the directory the request's prefix normalizes to
    const baseline = new Set(fileFps(byPid(runs.baselineDir.pid)).map(fingerprintKey));
    const found = findDeviations(fileFps([e]), baseline, () => false);
    expect(found.map((f) => f.value)).toEqual([expect.stringMatching(/\/secret\.txt$/)]);
  });

  test("a >256-byte path that failed is flagged truncated and never equals the baseline path its prefix normalizes to", () => {
    const e = one(runs.longFailed.pid, "file", (e) => e.path.startsWith(join(pkg, "package.json")));
    expect(e.path_truncated).toBe(true);
    expect(e.errno).toBe(20); // ENOTDIR: package.json is not a directory
    const baseFps = fileFps(byPid(runs.baselineFile.pid));
    const fps = fileFps([e]);
    // the prefix normalizes to the baseline value; the marker keeps them apart
    expect(fps[0].value.startsWith("<truncated> " + baseFps.find((f) => f.value.endsWith("/package.json"))!.value)).toBe(true); // marked: differ/severity.ts TRUNCATED
    expect(findDeviations(fps, new Set(baseFps.map(fingerprintKey)), () => false).length).toBe(1);
  });

  test("a resolution deeper than the walk's bound is flagged truncated", () => {
    const e = one(runs.deep.pid, "file", (e) => e.requested === "f");
    expect(e.path.endsWith("/d/d/f")).toBe(true);
    expect(e.path_truncated).toBe(true);
    expect(e.errno).toBeUndefined();
  });
});

describe("2. datagrams and sockets", () => {
  test("sendto without connect() is a destination event, 1000 sends aggregated in the kernel into one", () => {
    const got = all(runs.udp.pid, "connect");
    expect(got.map((e) => [e.source, e.family, e.address, e.port, e.proto])).toEqual([["sys_enter_sendto", "inet", "198.51.100.66", 9999, "udp"]]);
    expect(extractFingerprints(asRun(got)).map((f) => `${f.category} ${f.value}`)).toEqual(["net_new_destination 198.51.100.66:9999/udp"]);
  });

  test("io_uring SEND with a destination address is a destination event", () => {
    expect(one(runs.uringSend.pid, "connect", (e) => e.source === "io_uring_submit_req")).toMatchObject({ family: "inet", address: "198.51.100.67", port: 9998, proto: "udp" });
  });

  test("every destination of one sendmmsg is an event, not only the first few (the real one after 19 decoys)", () => {
    const ports = all(runs.udpMmsg.pid, "connect", (e) => e.source === "sys_enter_sendmmsg").map((e) => e.port).sort((a, b) => a - b);
    expect(ports).toEqual(Array.from({ length: 20 }, (_, i) => 7000 + i));
  });

  test("sendmsg with msg_name is a destination event", () => {
    expect(one(runs.udpMsg.pid, "connect", (e) => e.source === "sys_enter_sendmsg")).toMatchObject({ address: "203.0.113.5", port: 5353, proto: "udp" });
  });

  test("raw and packet sockets are events", () => {
    const got = all(runs.raw.pid, "socket").map((e) => `${e.family}/${e.type}/${e.protocol}`);
    expect(got).toEqual(["inet/raw/1", "packet/raw/768"]);
  });

  test("a unix-socket peer is named by its path", () => {
    const e = one(runs.unix.pid, "connect", (e) => e.family === "unix");
    expect(e).toMatchObject({ address: join(R, "docker.sock"), source: "sys_exit_connect" });
    expect(e.requested).toBeUndefined();
  });

  test("a relative unix connect through a symlinked directory names the socket file the kernel found", () => {
    const e = one(runs.unixRel.pid, "connect", (e) => e.family === "unix");
    expect(e).toMatchObject({ address: join(R, "run/docker.sock"), requested: "docker.sock", source: "sys_exit_connect" });
    expect(extractFingerprints(asRun([e])).map((f) => f.value)).toEqual([expect.stringMatching(/^unix:.*\/run\/docker\.sock$/)]);
  });
});

describe("3. exec identity", () => {
  test("a failed exec (EACCES) is an event with its errno", () => {
    const e = one(runs.eacces.pid, "exec", (e) => e.errno !== undefined);
    expect(e).toMatchObject({ source: "sys_exit_execve", filename: join(R, "noexec.sh"), errno: 13, argv: ["noexec.sh"] });
    expect(runs.eacces.stdout).toContain("errno 13");
  });

  test("a failed relative exec is made absolute against the cwd, the request kept", () => {
    const e = one(runs.enoentRel.pid, "exec", (e) => e.errno !== undefined);
    expect(e).toMatchObject({ filename: join(process.cwd(), "nosuch-relative"), requested: "nosuch-relative", errno: 2 });
  });

  test("a memfd exec (execveat AT_EMPTY_PATH) is named fileless, not dropped", () => {
    const e = one(runs.memfd.pid, "exec", (e) => e.source === "sched_process_exec" && e.fileless === true);
    expect(e.filename).toBe("memfd:payload");
    expect(e.requested).toMatch(/^\/dev\/fd\/\d+$/);
    // and what it then does carries that identity
    expect(one(runs.memfd.pid, "file", (e) => e.path === join(R, "after-memfd")).exe).toBe("memfd:payload");
  });

  test("…/l/../../usr/bin/node with l a symlink shows the binary the kernel ran", () => {
    const e = one(runs.symlinkExec.pid, "exec", (e) => e.source === "sched_process_exec");
    expect(e.filename).toBe(join(R, "a/usr/bin/node"));
    expect(e.requested).toBe(trickExec);
    const values = extractFingerprints(asRun([e])).filter((f) => f.category === "proc_new_exec").map((f) => f.value);
    expect(values.length).toBe(1);
    // the real binary, then the name it was run as (lexically folded): never just the fold …/usr/bin/node
    expect(values[0]).toMatch(/\/a\/usr\/bin\/node as .*\/usr\/bin\/node$/);
  });
});

describe("4. process tree", () => {
  test("a double-forked grandchild re-parented away is still attributed to the script that created it", () => {
    const open = events.find((e) => e.kind === "file" && e.path === secret);
    expect(open).toBeDefined();
    // the grandchild really was adopted: its parent at the open is not its creator
    const creatorFork = events.find((e) => e.kind === "fork" && e.child_pid === open!.pid)!;
    expect(creatorFork).toBeDefined();
    expect(open!.ppid).not.toBe(creatorFork.pid);
    // fork → fork chain back to the script's process
    expect(events.some((e) => e.kind === "fork" && e.child_pid === creatorFork.pid)).toBe(true);
    expect(events.some((e) => e.kind === "exit" && e.pid === creatorFork.pid)).toBe(true);
    // the whole run through the differ (the swap test below reads the same file as proc:workload)
    const run = asRun(events);
    const fps = extractFingerprints(run).filter((f) => f.category === "fs_new_path_read" && f.value.endsWith("/fake-root/.npmrc") && run[f.evidenceSeq].pid === open!.pid);
    expect(fps.map((f) => f.actor)).toEqual(["script:evil:workload"]);
  });
});

describe("5. paths as the kernel resolved them", () => {
  test("a baseline path swapped for a symlink to the credentials shows the credentials", () => {
    const e = one(runs.swap.pid, "file", (e) => e.requested === swapped);
    expect(e.path).toBe(secret);
    expect(fileFps([e]).map((f) => f.value)).toEqual([expect.stringMatching(/\/fake-root\/\.npmrc$/)]);
  });

  test("the same swap opened through io_uring: the name at submit, the file at completion", () => {
    expect(one(runs.uringSwap.pid, "file", (e) => e.source === "io_uring_submit_req").path).toBe(swapped);
    const done = one(runs.uringSwap.pid, "file", (e) => e.source === "io_uring_complete");
    expect(done.path).toBe(secret);
    expect(fileFps([done]).map((f) => f.value)).toEqual([expect.stringMatching(/\/fake-root\/\.npmrc$/)]);
  });

  test("a dirfd-relative open is absolute", () => {
    const e = one(runs.dirfd.pid, "file", (e) => e.requested === "package.json");
    expect(e.path).toBe(join(pkg, "package.json"));
    expect(e.dirfd).toBeGreaterThanOrEqual(0);
  });
});

describe("6. link-class operations", () => {
  test("symlink, link, rename, mkdir, chmod, fchmod, unlink, rmdir are file events with absolute names", () => {
    const ops = join(R, "ops");
    const got = all(runs.fileops.pid, "file", (e) => !["read", "write", "create"].includes(e.access)).map((e) => [e.access, e.path, e.target ?? null, e.mode ?? null, e.errno ?? null]);
    expect(got).toEqual([
      ["symlink", join(ops, "planted"), secret, null, null],
      ["link", join(ops, "b"), join(ops, "a"), null, null],
      ["rename", join(ops, "c"), join(ops, "b"), null, null],
      ["mkdir", join(ops, "sub"), null, 0o700, null],
      ["chmod", join(ops, "a"), null, 0o755, null],
      ["chmod", join(ops, "a"), null, 0o700, null], // fchmod: named from the fd's file
      ["unlink", join(ops, "c"), null, null, null],
      ["unlink", join(ops, "sub"), null, null, null], // rmdir
    ]);
    expect(runs.fileops.code).toBe(0);
  });

  test("the same operations through io_uring are file events too", () => {
    const ops = join(R, "ops");
    const got = all(runs.uringOps.pid, "file", (e) => e.source === "io_uring_submit_req").map((e) => [e.access, e.path, e.target ?? null]);
    expect(got).toEqual([
      ["symlink", join(ops, "u-planted"), secret],
      ["mkdir", join(ops, "u-dir"), null],
      ["rename", join(ops, "u-dir2"), join(ops, "u-dir")],
      ["unlink", join(ops, "u-dir2"), null],
    ]);
    expect(runs.uringOps.code).toBe(0);
  });

  test("a planted symlink to the credentials is a critical write before anything opens it", () => {
    const e = one(runs.fileops.pid, "file", (e) => e.access === "symlink");
    const found = findDeviations(extractFingerprints(asRun([e])), new Set(), () => false);
    expect(found.map((f) => [f.category, f.severity])).toEqual([["fs_new_path_write", "critical"]]);
    expect(found[0].value).toMatch(/ -> .*\/fake-root\/\.npmrc$/);
  });
});
