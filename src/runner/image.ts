// The sandbox image, built on the runner host without pulling anything (no
// container registry is reachable on these machines). Two flavours:
// - debian (the default, image_debian.ts): a Debian bookworm userland with the
//   tools of a CI machine, the host's node and npm, cached per recipe hash;
// - minimal (-minimal): the host's node and the libraries ldd lists, npm,
//   busybox-static for /bin/sh and its applets, a CA bundle, /etc/passwd +
//   group — packed as one tar and imported (docker import) in ~2 s.
// Sites that can pull use any node image instead (-image).
import { lstatSync, readFileSync, readdirSync, readlinkSync, realpathSync, existsSync } from "node:fs";
import { join } from "node:path";
import { FangsError, oneLine } from "../core/errors.ts";
import type { Docker } from "./docker.ts";
import type { NpmFeatures } from "./sandbox/spec.ts";
import { tar, type TarEntry } from "./tar.ts";
import { buildWorkDir, debianInputs, debianRootfs, recipeHash, removeWorkDir, SUITE } from "./image_debian.ts";
import { defaultSources, lddLibraries, type ImageSources } from "./image_sources.ts";

export const LABEL_NPM_VERSION = "fangs.npm.version";
export const LABEL_ALLOW_ALL = "fangs.npm.allow-all-scripts";
/** "debian-bookworm" or "minimal": what `runner doctor` reports. */
export const LABEL_FLAVOR = "fangs.image.flavor";
/** The debian flavour's recipe hash (its cache key). */
export const LABEL_RECIPE = "fangs.image.recipe";
/** Where built debian images are cached: <CACHE_REPO>:bookworm-<recipe hash>. */
export const CACHE_REPO = "fangs-sandbox";

export type ImageFlavor = "debian" | "minimal";

export { defaultSources, lddLibraries, type ImageSources } from "./image_sources.ts";

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
  const dirs = ["bin", "usr", "usr/bin", "usr/local", "usr/local/bin", "usr/lib", "usr/lib/node_modules", "etc", "etc/ssl", "etc/ssl/certs", "lib", "lib64", "lib/x86_64-linux-gnu", "dev", "proc", "sys", "var", "var/tmp"];
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

export interface BuiltImage {
  name: string; id: string; sizeBytes: number; npmVersion: string; allowAllScripts: boolean; seconds: number;
  flavor: string;
  /** The debian recipe hash; undefined for minimal. */
  recipe?: string;
  /** True when the recipe's image already existed and was only tagged. */
  cached: boolean;
}

export interface BuildOptions {
  /** Default debian. */
  flavor?: ImageFlavor;
  sources?: ImageSources;
  /** Progress lines for people (build-image prints them to stderr). */
  progress?: (line: string) => void;
  /** Build even when the recipe's image exists. */
  rebuild?: boolean;
}

/** Build (or reuse) the sandbox image and tag it `name`. */
export async function buildImage(docker: Docker, name: string, opts: BuildOptions = {}): Promise<BuiltImage> {
  const t0 = performance.now();
  const progress = opts.progress ?? (() => {});
  let src: ImageSources;
  try {
    src = opts.sources ?? defaultSources();
  } catch (e) {
    throw new FangsError(`collect sandbox image files: ${oneLine(e)}`, { hint: "needs node, npm, busybox-static and ca-certificates on this host" });
  }
  const npm = npmFacts(src.npmDir);
  const labels = (flavor: string, recipe?: string) =>
    `LABEL ${LABEL_NPM_VERSION}=${npm.version} ${LABEL_ALLOW_ALL}=${npm.allowAll} ${LABEL_FLAVOR}=${flavor}${recipe ? ` ${LABEL_RECIPE}=${recipe}` : ""}`;
  const done = async (flavor: string, cached: boolean, recipe?: string): Promise<BuiltImage> => {
    const img = await docker.imageInspect(name);
    if (!img) throw new FangsError(`build of ${name} reported success but the image is missing`);
    return { name, id: img.Id, sizeBytes: img.Size, npmVersion: npm.version, allowAllScripts: npm.allowAll, seconds: (performance.now() - t0) / 1000, flavor, recipe, cached };
  };

  if (opts.flavor === "minimal") {
    const [repo, tag = "latest"] = splitName(name);
    let built;
    try {
      built = imageEntries(src);
    } catch (e) {
      throw new FangsError(`collect sandbox image files: ${oneLine(e)}`, { hint: "needs node, npm, busybox-static and ca-certificates on this host" });
    }
    progress(`packing the minimal image (${built.entries.length} files)`);
    await docker.importImage(repo, tag, tar(built.entries), ["ENV PATH=/usr/local/bin:/usr/bin:/bin", "ENV HOME=/root", "USER 0:0", "WORKDIR /root", labels("minimal")]);
    return done("minimal", false);
  }

  const inputs = debianInputs(src, npm.version);
  const recipe = recipeHash(inputs);
  const cacheName = `${CACHE_REPO}:${SUITE}-${recipe}`;
  const flavor = `debian-${SUITE}`;
  if (!opts.rebuild && (await docker.imageInspect(cacheName))) {
    progress(`reusing ${cacheName} (recipe ${recipe})`);
    if (cacheName !== name) await tagImage(docker, cacheName, name);
    return done(flavor, true, recipe);
  }
  const work = buildWorkDir();
  try {
    const root = await debianRootfs(src, inputs, work, progress);
    progress("packing the root filesystem");
    const tarPath = `${work}/rootfs.tar`;
    const t = Bun.spawnSync(["tar", "--numeric-owner", "--xattrs", "-C", root, "-cf", tarPath, "."], { stderr: "pipe" });
    if (t.exitCode !== 0) throw new FangsError(`tar of the root filesystem failed: ${t.stderr.toString().trim()}`);
    progress(`importing into docker (${(Bun.file(tarPath).size / 1e6).toFixed(0)} MB)`);
    const [repo, tag] = splitName(cacheName);
    await docker.importImage(repo, tag!, Bun.file(tarPath), [
      "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "ENV HOME=/root",
      "USER 0:0",
      "WORKDIR /root",
      labels(flavor, recipe),
    ]);
  } finally {
    removeWorkDir(work);
  }
  if (cacheName !== name) await tagImage(docker, cacheName, name);
  return done(flavor, false, recipe);
}

/** docker tag SOURCE NAME */
export async function tagImage(docker: Docker, source: string, name: string): Promise<void> {
  const [repo, tag = "latest"] = splitName(name);
  await (await docker.request("tag image", "POST", `/images/${encodeURIComponent(source)}/tag?${new URLSearchParams({ repo, tag })}`)).text();
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
  return docker.runToEnd(`fangs-probe-${crypto.randomUUID().slice(0, 8)}`, {
    Image: image, Cmd: ["npm", "install", "--help"], Labels: { "fangs.probe": "npm" }, HostConfig: { NetworkMode: "none", CapDrop: ["ALL"], SecurityOpt: ["no-new-privileges:true"] },
  }, 500);
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
