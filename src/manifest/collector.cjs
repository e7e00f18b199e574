// Runs inside the manifest container (node, CommonJS, no dependencies):
//   node collector.cjs <pkg> <version> <registry> <out.json> [<dir>]
// Installs <pkg>@<version> with --ignore-scripts into <dir> (default the
// working directory), then describes what npm put on disk: the tree from
// npm's hidden lockfile, each package's lifecycle scripts and binding.gyp,
// file lists with sha256, and small texts for content diffs. Nothing it
// installs is ever executed, so nothing could have rewritten what it reads;
// npm itself checked each tarball against the registry's dist.integrity.
// Keep the bounds in step with src/protocol/manifest.ts MANIFEST_LIMITS.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const crypto = require("node:crypto");
const { spawnSync } = require("node:child_process");

// `node -e <this> args…` puts the args at argv[1]; `node collector.cjs args…` at argv[2].
const [pkg, version, registry, out, dirArg] = process.argv.slice(require.main ? 2 : 1);
const dir = path.resolve(dirArg || ".");
const L = { packages: 5000, files: 20000, textBytes: 16 * 1024, scriptTextBytes: 64 * 1024, totalTextBytes: 1024 * 1024, scriptBytes: 4096 };
const STEPS = ["preinstall", "install", "postinstall", "prepare"];
const manifest = { format: 1, package: pkg, version, method: "script-free-install", npm_exit: null, packages: [], truncated: false };
const t0 = Date.now();

function write() {
  manifest.collect_ms = Date.now() - t0;
  fs.writeFileSync(out, JSON.stringify(manifest));
}

const npm = spawnSync("npm", ["install", `${pkg}@${version}`, "--ignore-scripts", "--registry", registry,
  "--no-audit", "--no-fund", "--no-update-notifier", "--loglevel", "error"], { cwd: dir, stdio: ["ignore", 2, 2] });
manifest.npm_exit = npm.status;
if (npm.error || npm.status !== 0) {
  manifest.error = npm.error ? `npm did not start: ${npm.error.message}` : `npm install --ignore-scripts exited ${npm.status}`;
}

let lock;
try {
  lock = JSON.parse(fs.readFileSync(path.join(dir, "node_modules/.package-lock.json"), "utf8"));
} catch {
  try { lock = JSON.parse(fs.readFileSync(path.join(dir, "package-lock.json"), "utf8")); } catch (e) {
    manifest.error = manifest.error || `no lockfile after the install: ${e.message}`;
    write();
    process.exit(0);
  }
}

// npm 11 leaves `resolved` out of lockfiles for registry packages; the URL it
// fetched each tarball from is in this container's own cache index (written
// by npm alone: nothing installed ran here), keyed by the same integrity.
const fetchedFrom = new Map();
(function readCacheIndex() {
  const root = path.join(process.env.npm_config_cache || path.join(require("node:os").homedir(), ".npm"), "_cacache", "index-v5");
  const walkIndex = (d) => {
    let names;
    try { names = fs.readdirSync(d); } catch { return; }
    for (const n of names) {
      const p = path.join(d, n);
      if (fs.statSync(p).isDirectory()) { walkIndex(p); continue; }
      for (const line of fs.readFileSync(p, "utf8").split("\n")) {
        const tab = line.indexOf("\t");
        if (tab < 0) continue;
        try {
          const e = JSON.parse(line.slice(tab + 1));
          const url = typeof e.key === "string" ? e.key.replace(/^make-fetch-happen:request-cache:/, "") : "";
          if (e.integrity && /^https?:\/\/.+\.tgz$/.test(url)) fetchedFrom.set(e.integrity, url);
        } catch { /* a torn line */ }
      }
    }
  };
  walkIndex(root);
})();

const isText = (buf) => !buf.includes(0) && !/[\uFFFD]/.test(buf.toString("utf8"));
let files = 0;
let textBytes = 0;
const clip = (s, n) => (s.length > n ? s.slice(0, n) : s);

function walk(root, rel, outFiles) {
  let names;
  try { names = fs.readdirSync(path.join(root, rel)).sort(); } catch { return true; }
  for (const name of names) {
    const r = rel ? `${rel}/${name}` : name;
    if (!rel && name === "node_modules") continue; // nested packages are their own entries
    const st = fs.lstatSync(path.join(root, r));
    if (st.isDirectory()) { if (!walk(root, r, outFiles)) return false; continue; }
    if (!st.isFile()) continue;
    if (files >= L.files) return false;
    files++;
    const data = fs.readFileSync(path.join(root, r));
    outFiles.push({ path: clip(r, 1024), size: st.size, sha256: crypto.createHash("sha256").update(data).digest("hex"), data });
  }
  return true;
}

/** JS files a script line names inside its package: `node setup.js`, `node ./lib/x.cjs`. */
function invoked(command) {
  const seen = new Set();
  for (const m of command.matchAll(/(?:^|[\s"'=])((?:\.\/)?[\w@.\/-]+\.[cm]?js)\b/g)) seen.add(path.posix.normalize(m[1]).replace(/^\.\//, ""));
  return [...seen].filter((p) => !p.startsWith("../") && !p.startsWith("/"));
}

const entries = Object.entries(lock.packages || {}).filter(([p]) => p.startsWith("node_modules/"));
if (entries.length > L.packages) manifest.truncated = true;
for (const [p, e] of entries.slice(0, L.packages)) {
  if (e.link) continue;
  const abs = path.join(dir, p);
  let pj = {};
  try { pj = JSON.parse(fs.readFileSync(path.join(abs, "package.json"), "utf8")); } catch { /* listed but absent (optional dep) */ }
  const name = e.name || pj.name || p.slice(p.lastIndexOf("node_modules/") + 13);
  const scripts = [];
  const s = pj && typeof pj.scripts === "object" && pj.scripts ? pj.scripts : {};
  for (const step of STEPS) if (typeof s[step] === "string") scripts.push({ step, command: clip(s[step], L.scriptBytes) });
  const gyp = fs.existsSync(path.join(abs, "binding.gyp"));
  // npm's rule: a binding.gyp with neither install nor preinstall means `node-gyp rebuild`.
  if (gyp && typeof s.install !== "string" && typeof s.preinstall !== "string") scripts.push({ step: "install", command: "node-gyp rebuild", implicit: true });
  const entry = {
    path: clip(p, 2048), name: clip(name, 214), version: clip(String(e.version || pj.version || ""), 256),
    resolved: typeof e.resolved === "string" ? clip(e.resolved, 2048) : fetchedFrom.has(e.integrity) ? clip(fetchedFrom.get(e.integrity), 2048) : null,
    integrity: typeof e.integrity === "string" ? clip(e.integrity, 1024) : null,
    install_scripts: !!e.hasInstallScript || gyp, binding_gyp: gyp, scripts,
  };
  const list = [];
  const complete = walk(abs, "", list);
  entry.files = list.map(({ data, ...f }) => f);
  if (!complete) { entry.files_truncated = true; manifest.truncated = true; }
  const texts = {};
  const wanted = new Set(scripts.flatMap((x) => invoked(x.command)));
  const top = p === `node_modules/${pkg}`;
  for (const f of list) {
    const script = wanted.has(f.path);
    const cap = script ? L.scriptTextBytes : L.textBytes;
    if (!(script || top) || f.size > cap || textBytes + f.size > L.totalTextBytes || !isText(f.data)) continue;
    texts[f.path] = f.data.toString("utf8");
    textBytes += f.size;
  }
  if (Object.keys(texts).length) entry.texts = texts;
  manifest.packages.push(entry);
}
write();
