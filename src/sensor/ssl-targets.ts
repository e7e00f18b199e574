// Where the SSL_ctrl uprobe goes: the host's libssl, and node binaries, which
// carry OpenSSL statically and export SSL_ctrl. A uprobe binds to an inode, so
// a copy of node inside a sandbox image needs its own path (the image layer's
// file), which the runner passes to Sensor.attachSslUprobe.
import { existsSync, realpathSync } from "node:fs";

const LIBSSL_CANDIDATES = [
  "/usr/lib/x86_64-linux-gnu/libssl.so.3",
  "/lib/x86_64-linux-gnu/libssl.so.3",
  "/usr/lib64/libssl.so.3",
  "/usr/lib/libssl.so.3",
  "/usr/lib/x86_64-linux-gnu/libssl.so.1.1",
  "/usr/lib/aarch64-linux-gnu/libssl.so.3",
];
const NODE_CANDIDATES = ["/usr/bin/node", "/usr/local/bin/node"];

/** The host's libssl, or undefined. */
export function findLibssl(): string | undefined {
  return LIBSSL_CANDIDATES.find((p) => existsSync(p));
}

/** Distinct real paths to attach the SSL_ctrl uprobe to by default. */
export function defaultSslTargets(): string[] {
  const out = new Set<string>();
  for (const p of [findLibssl(), ...NODE_CANDIDATES]) {
    if (p && existsSync(p)) out.add(realpathSync(p));
  }
  return [...out];
}
