// Where the sandbox image's files come from on this host (both flavours):
// node and the libraries it links, npm, busybox-static, the CA bundle.
import { existsSync, realpathSync } from "node:fs";
import { dirname } from "node:path";
import { FangsError } from "../core/errors.ts";

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
