// The run's cgroups, the one module that makes and removes them (runner and
// kernel tests alike). The runner creates /fangs/<run_id> in the v2 hierarchy
// before the container exists so the sensor watches its id (the directory's
// inode) from the first exec; Docker (cgroupfs driver) puts the container below
// it via CgroupParent. runc leaves fangs/<run_id> behind in every hierarchy
// under /sys/fs/cgroup/*/, so removal sweeps them all.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FangsError } from "../core/errors.ts";

export const CGROUP_ROOT = process.env.FANGS_CGROUP_ROOT ?? "/sys/fs/cgroup";
/** The v2 mount: <root>/unified on hybrid hosts (this one), <root> itself on unified-only hosts. */
export const UNIFIED = !existsSync(join(CGROUP_ROOT, "unified", "cgroup.controllers")) && existsSync(join(CGROUP_ROOT, "cgroup.controllers"))
  ? CGROUP_ROOT
  : join(CGROUP_ROOT, "unified");
export const FANGS_SLICE = "fangs";

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
function checkName(runId: string): void {
  if (!NAME.test(runId)) throw new FangsError(`invalid cgroup name ${JSON.stringify(runId)}`, { hint: "use letters, digits, . _ - (a run id)" });
}

/** /sys/fs/cgroup/unified/fangs/<runId> */
export function runCgroupPath(runId: string): string {
  checkName(runId);
  return join(UNIFIED, FANGS_SLICE, runId);
}

/** The cgroup id the kernel reports for a v2 cgroup directory (its inode). */
export function cgroupId(path: string): bigint {
  return statSync(path, { bigint: true }).ino;
}

export interface RunCgroup { path: string; id: bigint }

/** Create the run's v2 cgroup (idempotent) and return its path and id. */
export function createRunCgroup(runId: string): RunCgroup {
  const path = runCgroupPath(runId);
  if (!existsSync(UNIFIED)) throw new FangsError(`no cgroup v2 hierarchy at ${UNIFIED}`, { hint: "mount cgroup2 there (mount -t cgroup2 none /sys/fs/cgroup/unified)" });
  try {
    mkdirSync(path, { recursive: true });
  } catch (e) {
    throw new FangsError(`cannot create cgroup ${path}: ${(e as Error).message}`, { hint: "run as root", cause: e });
  }
  return { path, id: cgroupId(path) };
}

/** Move a process into a cgroup (v2: write its pid to cgroup.procs). */
export function moveToCgroup(path: string, pid: number): void {
  writeFileSync(join(path, "cgroup.procs"), `${pid}\n`);
}

/** Every hierarchy root under /sys/fs/cgroup (v1 controllers and unified). */
function hierarchies(): string[] {
  if (!existsSync(CGROUP_ROOT)) return [];
  const roots = [CGROUP_ROOT];
  for (const d of readdirSync(CGROUP_ROOT, { withFileTypes: true })) if (d.isDirectory()) roots.push(join(CGROUP_ROOT, d.name));
  return roots;
}

/** Remove a cgroup directory tree bottom-up (cgroup dirs hold only pseudo-files). */
function rmCgroupTree(path: string, errors: string[]): void {
  let entries;
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch {
    return;
  }
  for (const d of entries) if (d.isDirectory()) rmCgroupTree(join(path, d.name), errors);
  try {
    rmdirSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "ENOENT") errors.push(`${path}: ${code ?? (e as Error).message}`);
  }
}

/** Every hierarchy's fangs/<runId> directory that exists. */
export function runCgroupDirs(runId: string): string[] {
  checkName(runId);
  return hierarchies().map((h) => join(h, FANGS_SLICE, runId)).filter((p) => existsSync(p));
}

/** Age of the newest fangs/<runId> directory in any hierarchy (Infinity when none):
 *  a cgroup younger than a minute may belong to a run another runner is starting. */
export function cgroupAgeMs(runId: string, now = Date.now()): number {
  let newest = 0;
  for (const d of runCgroupDirs(runId)) {
    try {
      newest = Math.max(newest, statSync(d).mtimeMs);
    } catch {
      // removed meanwhile
    }
  }
  return newest ? now - newest : Number.POSITIVE_INFINITY;
}

/** Remove fangs/<runId> in every hierarchy. Throws listing what stayed (e.g. still has processes). */
export function removeRunCgroups(runId: string): string[] {
  checkName(runId);
  const removed: string[] = [];
  const errors: string[] = [];
  for (const h of hierarchies()) {
    const p = join(h, FANGS_SLICE, runId);
    if (!existsSync(p)) continue;
    rmCgroupTree(p, errors);
    if (!existsSync(p)) removed.push(p);
  }
  if (errors.length) throw new FangsError(`cannot remove cgroup ${runId}: ${errors.join("; ")}`, { hint: "kill the processes still in it (cat its cgroup.procs) and retry" });
  return removed;
}

/** Run ids with a fangs/<id> directory in any hierarchy that is not in `active`. */
export function listOrphanCgroups(active: Iterable<string> = []): string[] {
  const keep = new Set(active);
  const found = new Set<string>();
  for (const h of hierarchies()) {
    const slice = join(h, FANGS_SLICE);
    if (!existsSync(slice)) continue;
    for (const d of readdirSync(slice, { withFileTypes: true })) if (d.isDirectory() && !keep.has(d.name)) found.add(d.name);
  }
  return [...found].sort();
}

export interface OrphanRule {
  /** Younger cgroups may belong to a run another runner on this host is starting. */
  minAgeMs?: number;
  /** Only names of this shape (a run id) are candidates. */
  name?: RegExp;
}

/** Remove every orphan the rule allows; returns the ids removed and the errors for the rest. */
export function removeOrphanCgroups(active: Iterable<string> = [], rule: OrphanRule = {}): { removed: string[]; failed: string[] } {
  const removed: string[] = [], failed: string[] = [];
  for (const id of listOrphanCgroups(active)) {
    if (rule.name && !rule.name.test(id)) continue;
    if (rule.minAgeMs && cgroupAgeMs(id) < rule.minAgeMs) continue;
    try {
      removeRunCgroups(id);
      removed.push(id);
    } catch (e) {
      failed.push((e as Error).message);
    }
  }
  return { removed, failed };
}

/** Pids currently in a cgroup (v2). */
export function cgroupPids(path: string): number[] {
  return readFileSync(join(path, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number);
}
