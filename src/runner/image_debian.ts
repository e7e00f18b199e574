// The realistic sandbox image: a Debian bookworm userland made by mmdebstrap
// from the Debian mirror this host's apt uses (nothing pulled from a container
// registry), the tools common CI images carry, and the host's node + npm with
// node's headers where node-gyp looks for them (so a binding.gyp addon builds
// offline, as it would on a machine that built one before). Built once per
// recipe hash (packages, mirrors, node binary, npm) and kept as a docker image
// tagged <repo>:bookworm-<hash>; every later build of the same recipe only tags it.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { FangsError } from "../core/errors.ts";
import { lddLibraries, type ImageSources } from "./image_sources.ts";

/** What common CI images carry (the list): installs take the path they take in the wild. */
export const DEBIAN_PACKAGES = ["python3", "make", "g++", "git", "curl", "wget", "ca-certificates", "openssh-client", "procps"];
export const SUITE = "bookworm";
/** Bump when the recipe below changes in a way the inputs do not show. */
const RECIPE_VERSION = 2;
/** Slim-image practice: no manuals, docs or translations (copyright files stay). */
const DPKG_OPTS = ["path-exclude=/usr/share/man/*", "path-exclude=/usr/share/doc/*", "path-include=/usr/share/doc/*/copyright", "path-exclude=/usr/share/locale/*", "path-exclude=/usr/share/info/*"];

/** The host's Debian apt sources for the suite (deb822 .sources and one-line .list). */
export function hostDebianSources(aptDir = "/etc/apt", suite = SUITE): string[] {
  const files = [join(aptDir, "sources.list")];
  const d = join(aptDir, "sources.list.d");
  if (existsSync(d)) for (const f of readdirSync(d).sort()) if (/\.(list|sources)$/.test(f)) files.push(join(d, f));
  const out: string[] = [];
  const add = (uri: string, suites: string[], comps: string[]) => {
    for (const s of suites) if (s === suite || s.startsWith(`${suite}-`)) out.push(`deb ${uri} ${s} ${comps.join(" ") || "main"}`);
  };
  for (const f of files) {
    if (!existsSync(f)) continue;
    const text = readFileSync(f, "utf8");
    if (f.endsWith(".sources")) {
      for (const stanza of text.split(/\n\s*\n/)) {
        const field = (k: string) => (new RegExp(`^${k}:\\s*(.*)$`, "mi").exec(stanza)?.[1] ?? "").trim().split(/\s+/).filter(Boolean);
        if (field("Enabled")[0] === "no" || !field("Types").includes("deb")) continue;
        for (const uri of field("URIs")) add(uri, field("Suites"), field("Components"));
      }
    } else {
      for (const line of text.split("\n")) {
        const m = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
        if (m) add(m[1], [m[2]], m[3].split(/\s+/).filter(Boolean));
      }
    }
  }
  return [...new Set(out)];
}

/** node's headers as node-gyp's cache holds them: include/node without the
 *  other platforms' openssl configurations (51 of node's 54 MB). */
function nodeHeadersDir(node: string): string {
  const dir = join(node, "../../include/node");
  if (!existsSync(join(dir, "common.gypi")) || !existsSync(join(dir, "node.h"))) {
    throw new FangsError(`node headers not found at ${dir}`, { hint: "install node with its headers (nodesource's nodejs ships include/node), so node-gyp builds addons offline in the sandbox" });
  }
  return dir;
}

const OPENSSL_ARCH: Record<string, string> = { x64: "linux-x86_64", arm64: "linux-aarch64" };

export interface DebianInputs { sources: string[]; packages: string[]; nodeSha256: string; nodeVersion: string; npmVersion: string; nodeGypInstallVersion: number; recipe: number }

export function debianInputs(src: ImageSources, npmVersion: string, aptDir?: string): DebianInputs {
  const sources = hostDebianSources(aptDir);
  if (!sources.length) throw new FangsError(`no Debian ${SUITE} apt source on this host`, { hint: `the realistic image is built from the Debian mirror apt uses: add a ${SUITE} entry under /etc/apt/sources.list.d/ (or build the minimal image: fangs sandbox build-image -minimal)` });
  const hasher = new Bun.CryptoHasher("sha256");
  hasher.update(readFileSync(src.node));
  const nodeVersion = Bun.spawnSync([src.node, "--version"]).stdout.toString().trim().replace(/^v/, "");
  const gypPkg = join(src.npmDir, "node_modules/node-gyp/package.json");
  const nodeGypInstallVersion = existsSync(gypPkg) ? Number(JSON.parse(readFileSync(gypPkg, "utf8")).installVersion ?? 0) : 0;
  return { sources, packages: DEBIAN_PACKAGES, nodeSha256: hasher.digest("hex"), nodeVersion, npmVersion, nodeGypInstallVersion, recipe: RECIPE_VERSION };
}

/** The cache key: any input that changes the image changes it. */
export function recipeHash(i: DebianInputs): string {
  return new Bun.CryptoHasher("sha256").update(JSON.stringify(i)).digest("hex").slice(0, 16);
}

/** mmdebstrap into a fresh directory, then node, npm and headers on top.
 *  Returns the rootfs directory (caller removes `work`). */
export async function debianRootfs(src: ImageSources, inputs: DebianInputs, work: string, progress: (line: string) => void): Promise<string> {
  if (!Bun.which("mmdebstrap")) throw new FangsError("mmdebstrap not found", { hint: "apt-get install mmdebstrap (scripts/setup installs it), or build the minimal image: fangs sandbox build-image -minimal" });
  const root = join(work, "rootfs");
  const argv = [
    "mmdebstrap", "--variant=minbase", "--mode=root", "--format=directory",
    `--include=${inputs.packages.join(",")}`,
    ...DPKG_OPTS.map((o) => `--dpkgopt=${o}`),
    SUITE, root, ...inputs.sources,
  ];
  progress(`mmdebstrap: ${SUITE} + ${inputs.packages.join(" ")} from ${[...new Set(inputs.sources.map((s) => s.split(" ")[1]))].join(", ")}`);
  const p = Bun.spawn(argv, { stdout: "pipe", stderr: "pipe" });
  const tail: string[] = [];
  const pump = async (s: ReadableStream<Uint8Array>) => {
    let buf = "";
    for await (const chunk of s) {
      buf += new TextDecoder().decode(chunk);
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl).trimEnd();
        buf = buf.slice(nl + 1);
        if (!line) continue;
        tail.push(line);
        if (tail.length > 8) tail.shift();
        if (/^[IE]: /.test(line)) progress(`mmdebstrap: ${line.slice(3)}`);
      }
    }
  };
  await Promise.all([pump(p.stdout), pump(p.stderr), p.exited]);
  if (p.exitCode !== 0) throw new FangsError(`mmdebstrap exited ${p.exitCode}: ${tail.join(" | ")}`, { hint: "check the Debian mirror in /etc/apt/sources.list.d/ is reachable (apt-get update)" });

  progress(`adding node ${inputs.nodeVersion}, npm ${inputs.npmVersion} and node's headers`);
  cpSync(src.node, join(root, "usr/bin/node"));
  chmodSync(join(root, "usr/bin/node"), 0o755);
  // Host and image are both bookworm: node's libraries are normally there already.
  for (const lib of lddLibraries(src.node)) if (!existsSync(join(root, lib))) cpSync(lib, join(root, lib), { dereference: true });
  const npmDest = join(root, "usr/lib/node_modules/npm");
  mkdirSync(join(root, "usr/lib/node_modules"), { recursive: true });
  cpSync(src.npmDir, npmDest, { recursive: true, verbatimSymlinks: true });
  symlinkSync("../lib/node_modules/npm/bin/npm-cli.js", join(root, "usr/bin/npm"));
  symlinkSync("../lib/node_modules/npm/bin/npx-cli.js", join(root, "usr/bin/npx"));
  // node's headers where its own packages put them (/usr/include/node), and
  // node-gyp's cache pointing there, as on a machine that built an addon
  // before: no download, no --nodedir in the environment for a package to
  // notice. The cache holds a link, not a copy: HOME is a per-run volume the
  // image's /root is copied into at every create (3 MB of headers cost ~200 ms).
  const gypDir = join(root, "root/.cache/node-gyp", inputs.nodeVersion);
  const headers = nodeHeadersDir(src.node);
  const keepArch = OPENSSL_ARCH[process.arch];
  mkdirSync(gypDir, { recursive: true });
  symlinkSync("/usr/include", join(gypDir, "include"));
  cpSync(headers, join(root, "usr/include/node"), {
    recursive: true,
    filter: (from) => {
      const m = /\/openssl\/archs\/([^/]+)/.exec(from.slice(headers.length));
      return !m || m[1] === keepArch;
    },
  });
  writeFileSync(join(gypDir, "installVersion"), `${inputs.nodeGypInstallVersion}\n`);
  return root;
}

/** A temporary build directory on disk (the rootfs is ~0.5 GB; /tmp may be a small tmpfs). */
export function buildWorkDir(): string {
  const base = process.env.FANGS_IMAGE_BUILD_DIR ?? "/var/tmp";
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, "sandbox-image-"));
}

export function removeWorkDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
