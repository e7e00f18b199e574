// Files the runner puts in the sandbox before it starts (bait, the runtime
// control's tarball) go to the writable volumes: the image's root filesystem
// is read-only (spec.ts), and Docker refuses an archive extracted there.
// Entries are given rooted at / ("root/.npmrc"); each lands in the volume
// holding its first path component.
import type { TarEntry } from "../tar.ts";
import { WRITABLE_DIRS } from "./spec.ts";

export function plantArchives(entries: TarEntry[]): { dir: string; entries: TarEntry[] }[] {
  const byDir = new Map<string, TarEntry[]>();
  for (const e of entries) {
    const [first, ...more] = e.path.split("/");
    const top = `/${first}`;
    if (!WRITABLE_DIRS.includes(top)) throw new Error(`cannot plant ${e.path}: only ${WRITABLE_DIRS.join(", ")} are writable in the sandbox`);
    if (!more.length) continue; // the volume itself exists
    if (!byDir.has(top)) byDir.set(top, []);
    byDir.get(top)!.push({ ...e, path: more.join("/") });
  }
  return [...byDir].map(([dir, entries]) => ({ dir, entries }));
}
