// The sandbox image, built on the runner host without pulling anything (no
// container registry is reachable on these machines): the host's node and the
// libraries ldd lists, npm, busybox-static for /bin/sh and its applets, a CA
// bundle, /etc/passwd + group — packed as one tar and imported (docker import).
// Sites that can pull use any node image instead (-image).
import { lstatSync, readFileSync, readdirSync, readlinkSync, realpathSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { FangsError, oneLine } from "../core/errors.ts";
import type { Docker } from "./docker.ts";
import type { NpmFeatures } from "./sandbox/spec.ts";
import { tar, type TarEntry } from "./tar.ts";

export const LABEL_NPM_VERSION = "fangs.npm.version";
export const LABEL_ALLOW_ALL = "fangs.npm.allow-all-scripts";

export interface ImageSources {
  node: string;
  npmDir: string;
  busybox: string;
  caBundle: string;
}

export function defaultSources(): ImageSources {
  const node = Bun.which("node");
  if (!node) throw new FangsError("node not found on PATH", { hint: "install nodejs (the sandbox image is built from the host's node)" });
  const busybox = ["/bin/busybox", "/usr/bin/busybox"].find((p) => existsSync(p));
  if (!busybox) throw new FangsError("busybox not found", { hint: "apt-get install busybox-static" });
  const npmBin = Bun.which("npm");
  const npmDir = npmBin ? dirname(dirname(realpathSync(npmBin))) : "/usr/lib/node_modules/npm";
  return { node: realpathSync(node), npmDir, busybox, caBundle: "/etc/ssl/certs/ca-certificates.crt" };
}

/** Shared libraries (and the ELF interpreter) `ldd` lists for a binary. */
export function lddLibraries(binary: string): string[] {
  const p = Bun.spawnSync(["ldd", binary]);
  if (p.exitCode !== 0) throw new FangsError(`ldd ${binary}: ${p.stderr.toString().trim()}`);
  const libs: string[] = [];
  for (const line of p.stdout.toString().split("\n")) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) libs.push(m[1]);
  }
  return libs;
}

function npmFacts(npmDir: string): { version: string; allowAll: boolean } {
  const version = JSON.parse(readFileSync(join(npmDir, "package.json"), "utf8")).version as string;
  const defs = join(npmDir, "node_modules/@npmcli/config/lib/definitions/definitions.js");
  const allowAll = existsSync(defs) && readFileSync(defs, "utf8").includes("dangerously-allow-all-scripts");
  return { version, allowAll };
}

function walk(src: string, dest: string, out: TarEntry[]): void {
  const st = lstatSync(src);
  if (st.isSymbolicLink()) out.push({ type: "symlink", path: dest, target: readlinkSync(src) });
  else if (st.isDirectory()) {
    out.push({ type: "dir", path: dest, mode: st.mode & 0o7777 });
    for (const name of readdirSync(src).sort()) walk(join(src, name), `${dest}/${name}`, out);
  } else if (st.isFile()) out.push({ type: "file", path: dest, mode: st.mode & 0o7777, data: readFileSync(src) });
}

/** The root filesystem, as tar entries. */
export function imageEntries(src: ImageSources): { entries: TarEntry[]; npm: { version: string; allowAll: boolean } } {
  const e: TarEntry[] = [];
  const dirs = ["bin", "usr", "usr/bin", "usr/local", "usr/local/bin", "usr/lib", "usr/lib/node_modules", "etc", "etc/ssl", "etc/ssl/certs", "lib", "lib64", "lib/x86_64-linux-gnu", "srv", "srv/install", "dev", "proc", "sys", "var", "var/tmp"];
  for (const d of dirs) e.push({ type: "dir", path: d });
  e.push({ type: "dir", path: "root", mode: 0o700 }, { type: "dir", path: "tmp", mode: 0o1777 });
  e.push({ type: "file", path: "usr/bin/node", mode: 0o755, data: readFileSync(src.node) });
  const seen = new Set<string>();
  for (const lib of lddLibraries(src.node)) {
    if (seen.has(lib)) continue;
    seen.add(lib);
    e.push({ type: "file", path: lib, mode: 0o755, data: readFileSync(realpathSync(lib)) });
  }
  walk(src.npmDir, "usr/lib/node_modules/npm", e);
  e.push({ type: "symlink", path: "usr/bin/npm", target: "../lib/node_modules/npm/bin/npm-cli.js" });
  e.push({ type: "symlink", path: "usr/bin/npx", target: "../lib/node_modules/npm/bin/npx-cli.js" });
  e.push({ type: "file", path: "bin/busybox", mode: 0o755, data: readFileSync(src.busybox) });
  const applets = Bun.spawnSync([src.busybox, "--list"]).stdout.toString().split("\n").filter((a) => /^[a-z0-9_.\[-]+$/.test(a));
  for (const a of applets) if (a !== "busybox") e.push({ type: "symlink", path: `bin/${a}`, target: "busybox" });
  // npm's shebang is `#!/usr/bin/env node`; busybox's env applet serves it.
  e.push({ type: "symlink", path: "usr/bin/env", target: "/bin/busybox" });
  e.push({ type: "file", path: "etc/ssl/certs/ca-certificates.crt", data: readFileSync(src.caBundle) });
  e.push({ type: "file", path: "etc/passwd", data: "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n" });
  e.push({ type: "file", path: "etc/group", data: "root:x:0:\nnogroup:x:65534:\n" });
  e.push({ type: "file", path: "etc/nsswitch.conf", data: "passwd: files\ngroup: files\nhosts: files dns\n" });
  return { entries: e, npm: npmFacts(src.npmDir) };
}

export interface BuiltImage { name: string; id: string; sizeBytes: number; tarBytes: number; npmVersion: string; allowAllScripts: boolean; seconds: number }

export async function buildImage(docker: Docker, name: string, src: ImageSources = defaultSources()): Promise<BuiltImage> {
  const t0 = performance.now();
  const [repo, tag = "latest"] = splitName(name);
  let built;
  try {
    built = imageEntries(src);
  } catch (e) {
    throw new FangsError(`collect sandbox image files: ${oneLine(e)}`, { hint: "needs node, npm, busybox-static and ca-certificates on this host" });
  }
  const body = tar(built.entries);
  await docker.importImage(repo, tag, body, [
    "ENV PATH=/usr/local/bin:/usr/bin:/bin",
    "ENV HOME=/root",
    "USER 0:0",
    `WORKDIR /srv/install`,
    `LABEL ${LABEL_NPM_VERSION}=${built.npm.version} ${LABEL_ALLOW_ALL}=${built.npm.allowAll}`,
  ]);
  const img = await docker.imageInspect(name);
  if (!img) throw new FangsError(`import of ${name} reported success but the image is missing`);
  return { name, id: img.Id, sizeBytes: img.Size, tarBytes: body.length, npmVersion: built.npm.version, allowAllScripts: built.npm.allowAll, seconds: (performance.now() - t0) / 1000 };
}

function splitName(name: string): [string, string | undefined] {
  const at = name.lastIndexOf(":");
  return at > name.lastIndexOf("/") ? [name.slice(0, at), name.slice(at + 1)] : [name, undefined];
}

const featureCache = new Map<string, NpmFeatures>();

/** What the image's npm supports: from the label our build sets, else by
 *  asking its npm once (cached per image id). */
export async function npmFeatures(docker: Docker, image: string): Promise<NpmFeatures> {
  const img = await docker.imageInspect(image);
  if (!img) throw new FangsError(`sandbox image ${image} not found`, { hint: "build it: fangs sandbox build-image (or docker pull a node image and pass -image)" });
  const cached = featureCache.get(img.Id);
  if (cached) return cached;
  const label = img.Config?.Labels?.[LABEL_ALLOW_ALL];
  let f: NpmFeatures;
  if (label !== undefined) f = { allowAllScripts: label === "true" };
  else f = { allowAllScripts: (await probeNpmHelp(docker, image)).includes("dangerously-allow-all-scripts") };
  featureCache.set(img.Id, f);
  return f;
}

async function probeNpmHelp(docker: Docker, image: string): Promise<string> {
  const id = await docker.createContainer(`fangs-probe-${crypto.randomUUID().slice(0, 8)}`, {
    Image: image, Cmd: ["npm", "install", "--help"], Labels: { "fangs.probe": "npm" }, HostConfig: { NetworkMode: "none", CapDrop: ["ALL"], SecurityOpt: ["no-new-privileges:true"] },
  });
  try {
    const { exited } = await docker.waitNextExit(id);
    await docker.start(id);
    await exited;
    return await docker.logs(id, 500);
  } finally {
    await docker.remove(id);
  }
}

/** The image's node binary as a host path (overlay2 layer), for the SSL_ctrl
 *  uprobe; undefined when the storage driver does not expose one. */
export async function imageNodePath(docker: Docker, image: string): Promise<string | undefined> {
  const img = (await docker.imageInspect(image)) as { GraphDriver?: { Data?: Record<string, string> } } | undefined;
  const data = img?.GraphDriver?.Data ?? {};
  for (const dir of [data.UpperDir, ...(data.LowerDir ?? "").split(":")]) {
    if (dir && existsSync(`${dir}/usr/bin/node`)) return `${dir}/usr/bin/node`;
  }
  return undefined;
}
