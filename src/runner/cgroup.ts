// Per-run cgroups. The runner creates /fangs/<run_id> in the unified (v2)
// hierarchy itself, before the container exists, so the sensor can watch its id
// (= the directory's inode) from the very first exec; Docker (cgroupfs driver)
// then places the container under it via CgroupParent. runc leaves fangs/<run>
// behind in every hierarchy, so cleanup walks them all.
// (Engineer A's src/sensor/cgroup.ts may grow the same helpers; this module is
// what the runner uses.)
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { FangsError, oneLine } from "../core/errors.ts";

export const CGROUP_ROOT = "/sys/fs/cgroup";
export const PARENT = "fangs";
const RUN_NAME = /^[0-9a-f]{16}$/;

/** The cgroup v2 mount: /sys/fs/cgroup/unified on hybrid hosts, else /sys/fs/cgroup. */
export function unifiedRoot(root = CGROUP_ROOT): string {
  if (existsSync(join(root, "unified", "cgroup.controllers"))) return join(root, "unified");
  if (existsSync(join(root, "cgroup.controllers"))) return root;
  throw new FangsError(`no cgroup v2 hierarchy under ${root}`, { hint: "mount cgroup2 at /sys/fs/cgroup/unified (hybrid) or use a unified-cgroup host" });
}

export interface RunCgroup { runId: string; path: string; id: bigint; parent: string }

/** Create /fangs/<runId> in the v2 hierarchy and return its id (the inode). */
export function createRunCgroup(runId: string, root = CGROUP_ROOT): RunCgroup {
  if (!RUN_NAME.test(runId)) throw new FangsError(`invalid run id for a cgroup: ${JSON.stringify(runId)}`);
  const path = join(unifiedRoot(root), PARENT, runId);
  try {
    mkdirSync(path, { recursive: true });
    return { runId, path, id: BigInt(statSync(path, { bigint: true }).ino), parent: `/${PARENT}/${runId}` };
  } catch (e) {
    throw new FangsError(`create cgroup ${path}: ${oneLine(e)}`, { hint: "the runner must run as root with cgroupfs writable" });
  }
}

/** Every hierarchy's fangs/<runId> directory that exists. */
export function runCgroupDirs(runId: string, root = CGROUP_ROOT): string[] {
  const dirs: string[] = [];
  for (const h of safeList(root)) {
    const d = join(root, h, PARENT, runId);
    if (existsSync(d)) dirs.push(d);
  }
  return dirs;
}

/** rmdir fangs/<runId> (children first) in every hierarchy. Returns what could
 *  not be removed (a live process keeps a cgroup busy), with the reason. */
export function removeRunCgroups(runId: string, root = CGROUP_ROOT): string[] {
  const left: string[] = [];
  for (const d of runCgroupDirs(runId, root)) {
    try {
      rmTree(d);
    } catch (e) {
      left.push(`${d}: ${oneLine(e)}`);
    }
  }
  return left;
}

/** Run ids that have a fangs/<run> dir in any hierarchy (what a hard kill left). */
export function listRunCgroups(root = CGROUP_ROOT): string[] {
  const ids = new Set<string>();
  for (const h of safeList(root)) {
    for (const name of safeList(join(root, h, PARENT))) if (RUN_NAME.test(name)) ids.add(name);
  }
  return [...ids].sort();
}

/** Age of the newest fangs/<runId> dir in any hierarchy (Infinity when none). */
export function cgroupAgeMs(runId: string, root = CGROUP_ROOT, now = Date.now()): number {
  let newest = 0;
  for (const d of runCgroupDirs(runId, root)) {
    try { newest = Math.max(newest, statSync(d).mtimeMs); } catch { /* gone */ }
  }
  return newest ? now - newest : Number.POSITIVE_INFINITY;
}

function rmTree(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) rmTree(join(dir, e.name));
  rmdirSync(dir);
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
}
