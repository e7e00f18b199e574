// The container's PID 1 and the import phase's loader: two small node
// programs embedded in the executable. PID 1 is passed with `node -e`; it
// writes the loader as the project's index.js when the import phase starts.
// Everything here is visible from inside (/proc/1/cmdline, the loader file,
// stderr in the container log): no product name, no run id, no host path.
// Plain JS in template strings (the sandbox's node runs them as they are; no
// TypeScript, no bundler helpers).
//
// PID 1, in order:
//  1. install: runs the install command as its child, stdio inherited.
//  2. quiet: after the install exits, keeps the container alive while any
//     other live process of the PID namespace exists (a lifecycle script's
//     double-forked, setsid'd, nohup'd or timer-gated child), polling /proc
//     every 100 ms; zombies (state Z) are dead, unless another of their
//     threads still runs (a leader that called pthread_exit). Nothing left:
//     it goes on at once. The runner's duration limit stops the container if
//     they never end.
//  3. import (when a package is named, the install succeeded and no stop
//     came): writes the loader below as index.js in the install directory,
//     runs `node index.js` there with the install's environment, then waits
//     until quiet again.
//  4. exits with the install's exit code; the kernel kills whatever is left.
// Deadline: `limit` seconds after start (the runner's duration + grace) it
// SIGKILLs every process of the namespace (kill(-1) from the namespace's
// init spares only itself) and exits 137, on its own, so a sandbox never
// outlives its evidence even if the runner that watches it died. As the
// namespace's init it cannot be killed from inside (the kernel drops
// SIGKILL/SIGSTOP from the namespace and every signal it has no handler
// for); it ignores SIGUSR1 (node's inspector) and handles SIGTERM (the
// runner's stop), which kills everything and exits 143, also when a process
// inside sends it (then the run is never complete: the evidence needs exit
// 0). Outside a PID namespace (unit tests: pid != 1) "every other
// process" means its own descendants by /proc ppid (a detached child is
// then lost to the host's init: only PID 1 sees them all).
//
// The import phase: load the installed package as a consumer would. For
// every entry point (package.json "exports" subpaths without wildcards, else
// the package itself): import() it, and require() it. Each failure is
// reported and the next one tried: an ESM-only package fails require() (node
// 20: ERR_REQUIRE_ESM) and still runs under import(). Then the bounded wait:
// the process stays while the package keeps its event loop busy, up to
// <wait_s>; timers the package set and that have not fired by then (a
// timer-gated payload, `.unref()`'d or not) are fired early, and one more
// second is given before the process exits. setTimeout/setInterval are
// wrapped for that (global, the timers module, timers/promises' setTimeout;
// ESM imports of them too); their behaviour is otherwise unchanged, and they
// read as the native functions (name, length, toString, promisify). Entries
// load concurrently, for at most max(2 x wait, 10 s) (a top-level await that
// never ends). A child process the package starts is the PID 1's business:
// observed until quiet.
//
// PID 1 writes it as the project's index.js (a fresh file, after removing
// whatever is there) with two constants in front, `pkg` and `waitS`, and runs
// `node index.js`: to the package it is an application's entry point
// (require.main, no -e, no arguments), as in the wild.
export const LOADER = String.raw`
const { createRequire } = require("module");
const { readFileSync, writeSync } = require("fs");
const path = require("path");
const timers = require("timers");
const util = require("util");
// writeSync: a stderr stream would be a handle of its own, counted as work
const say = (m) => { try { writeSync(2, "load: " + m + "\n"); } catch {} };
// Work the package left in the event loop: referenced handles (sockets,
// servers, child processes, watchers; not stdio; an unref'd child is PID 1's
// to watch), requests in flight, and its timers, unref'd or not.
const stdio = (h) => [h && h.fd, h && h._handle && h._handle.fd].some((fd) => fd === 0 || fd === 1 || fd === 2);
const refd = (h) => (h && typeof h.hasRef === "function" ? h.hasRef() : h && h._handle && typeof h._handle.hasRef === "function" ? h._handle.hasRef() : true);
const busy = () => process._getActiveHandles().filter((h) => !stdio(h) && refd(h)).length + process._getActiveRequests().length + pending.size;
const pending = new Map();
const nativeSetTimeout = timers.setTimeout, nativeSetInterval = timers.setInterval, nativeClearTimeout = timers.clearTimeout, nativeClearInterval = timers.clearInterval;
const natives = new Map();
const nativeToString = Function.prototype.toString;
const toString = function toString() { return nativeToString.call(natives.get(this) || this); };
natives.set(toString, nativeToString);
Object.defineProperty(Function.prototype, "toString", { value: toString, writable: true, configurable: true, enumerable: false });
const like = (fake, native) => {
  natives.set(fake, native);
  for (const k of ["name", "length"]) Object.defineProperty(fake, k, { value: native[k], configurable: true });
  for (const k of Object.getOwnPropertySymbols(native)) fake[k] = native[k];
  if (native[util.promisify.custom]) fake[util.promisify.custom] = native[util.promisify.custom];
  return fake;
};
const wrap = (native, repeat) => like(function (fn, ms, ...args) {
  const t = native.call(this, typeof fn === "function" ? function () { if (!repeat) pending.delete(t); return fn.apply(this, arguments); } : fn, ms, ...args);
  if (typeof fn === "function") pending.set(t, () => fn(...args));
  return t;
}, native);
const unwrap = (native) => like(function (t) { pending.delete(t); return native.call(this, t); }, native);
globalThis.setTimeout = timers.setTimeout = wrap(nativeSetTimeout, false);
globalThis.setInterval = timers.setInterval = wrap(nativeSetInterval, true);
globalThis.clearTimeout = timers.clearTimeout = unwrap(nativeClearTimeout);
globalThis.clearInterval = timers.clearInterval = unwrap(nativeClearInterval);
// timers/promises (await setTimeout(ms), and util.promisify(setTimeout)):
// the promise settles at the native time or, at the bound, early.
const tp = require("timers/promises");
const nativeSleep = tp.setTimeout;
tp.setTimeout = like(function (ms, value, options) {
  return new Promise((resolve, reject) => {
    const key = {};
    pending.set(key, () => resolve(value));
    nativeSleep.call(this, ms, value, options).then((v) => { pending.delete(key); resolve(v); }, (e) => { pending.delete(key); reject(e); });
  });
}, nativeSleep);
timers.setTimeout[util.promisify.custom] = tp.setTimeout;
// ESM named imports of node:timers and node:timers/promises see the same.
require("module").syncBuiltinESMExports();
const base = path.join(process.cwd(), "node_modules", pkg);
const req = createRequire(__filename);
let manifest = {};
try { manifest = JSON.parse(readFileSync(path.join(base, "package.json"), "utf8")); } catch (e) { say("no package.json: " + e.message); }
function subpaths(exp) {
  if (exp === undefined || exp === null) return ["."];
  if (typeof exp === "string" || Array.isArray(exp)) return ["."];
  const keys = Object.keys(exp);
  if (!keys.some((k) => k.startsWith("."))) return ["."];
  return keys.filter((k) => k.startsWith(".") && !k.includes("*") && !k.endsWith("/"));
}
const specs = subpaths(manifest.exports).map((k) => (k === "." ? pkg : pkg + k.slice(1)));
// Every entry is loaded at once (a module whose top-level await never ends
// does not keep the others from loading), for at most twice the wait (10 s at least).
const start = Date.now();
const until = (t) => new Promise((r) => nativeSetTimeout(r, Math.max(0, t - Date.now())));
async function load(spec) {
  // the bare name first: the ESM resolver picks the "import" condition
  try { await import(spec); } catch (e) {
    try {
      const { pathToFileURL } = require("url");
      await import(pathToFileURL(path.join(base, spec === pkg ? "" : spec.slice(pkg.length + 1))).href);
    } catch { say("import " + spec + ": " + (e && e.message)); }
  }
  try { req(spec); } catch (e) { say("require " + spec + ": " + (e && e.message)); }
}
(async () => {
  await Promise.race([Promise.allSettled(specs.map(load)), until(start + Math.max(2 * Number(waitS), 10) * 1000)]);
  const end = start + Number(waitS) * 1000;
  const hold = nativeSetInterval(() => {
    if (Date.now() < end && busy() > 0) return;
    nativeClearInterval(hold);
    const late = [...pending.values()];
    pending.clear();
    for (const f of late) { try { f(); } catch (e) { say("timer: " + (e && e.message)); } }
    nativeSetTimeout(() => process.exit(0), late.length ? 1000 : 0);
  }, 100);
})();
`;

// argv: <limit_s> <import: package name, or "" for none> <import_wait_s> <install argv…>
export const INIT_PROGRAM = String.raw`
const LOADER = ${JSON.stringify(LOADER)};
const { spawn } = require("child_process");
const { readdirSync, readFileSync, rmSync, writeFileSync } = require("fs");
const { constants } = require("os");
const [limit, importPkg, importWait, ...argv] = process.argv.slice(1);
const say = (m) => process.stderr.write("init: " + m + "\n");
const pid1 = process.pid === 1;
const exitOf = (code, sig) => code ?? 128 + (constants.signals[sig] ?? 9);
let current;
let stopping = false;
const killAll = () => {
  try { if (current) current.kill("SIGKILL"); } catch {}
  for (const p of others()) { try { process.kill(p, "SIGKILL"); } catch {} }
  if (pid1) { try { process.kill(-1, "SIGKILL"); } catch {} }
};
setTimeout(() => { say("deadline of " + limit + "s reached: every process killed"); killAll(); process.exit(137); }, Number(limit) * 1000).unref();
// SIGUSR1 is how a node built with it opens its inspector: a process inside
// must not get a debugger on PID 1. Handled and ignored.
process.on("SIGUSR1", () => {});
process.on("SIGTERM", () => { stopping = true; killAll(); setTimeout(() => process.exit(143), 200).unref(); });
function stat(pid) {
  try {
    const s = readFileSync("/proc/" + pid + "/stat", "latin1");
    const r = s.slice(s.lastIndexOf(")") + 2).split(" ");
    return { state: r[0], ppid: Number(r[1]) };
  } catch { return undefined; }
}
const dead = (st) => !st || st.state === "Z" || st.state === "X";
// A zombie leader whose other threads still run (its main thread called
// pthread_exit) is alive: its tasks say so.
function alive(pid, st) {
  if (!dead(st)) return true;
  if (!st) return false;
  let tasks = [];
  try { tasks = readdirSync("/proc/" + pid + "/task"); } catch {}
  return tasks.some((t) => !dead(stat(pid + "/task/" + t)));
}
function others() {
  let pids;
  try { pids = readdirSync("/proc").filter((n) => /^[0-9]+$/.test(n)).map(Number); } catch { return []; }
  const live = new Map();
  for (const p of pids) {
    if (p === process.pid) continue;
    const st = stat(p);
    if (alive(p, st)) live.set(p, st.ppid);
  }
  if (pid1) return [...live.keys()];
  const mine = new Set([process.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [p, pp] of live) if (!mine.has(p) && mine.has(pp)) { mine.add(p); grew = true; }
  }
  mine.delete(process.pid);
  return [...mine];
}
function run(cmd, args, opts) {
  return new Promise((resolve) => {
    const child = (current = spawn(cmd, args, { stdio: "inherit", ...opts }));
    child.on("error", (e) => { say("cannot start " + cmd + ": " + e.message); resolve(127); });
    child.on("exit", (code, sig) => resolve(exitOf(code, sig)));
  });
}
function quiet() {
  return new Promise((resolve) => {
    const tick = () => (!stopping && others().length ? setTimeout(tick, 100) : resolve());
    tick();
  });
}
(async () => {
  const code = await run(argv[0], argv.slice(1));
  await quiet();
  if (importPkg !== "" && code === 0 && !stopping) {
    const file = require("path").join(process.cwd(), "index.js");
    try {
      rmSync(file, { recursive: true, force: true });
      writeFileSync(file, "const pkg = " + JSON.stringify(importPkg) + ", waitS = " + (Number(importWait) || 0) + ";" + LOADER, { flag: "wx" });
      await run(process.execPath, ["index.js"], { argv0: "node" });
    } catch (e) { say("cannot load " + importPkg + ": " + e.message); }
    await quiet();
  }
  // A SIGTERM (the runner's stop, or anything inside: PID 1 has a handler,
  // so the kernel delivers it) never ends as the install's exit code: a
  // package must not be able to skip the import phase and still look done.
  process.exit(stopping ? 143 : code);
})();
`;

