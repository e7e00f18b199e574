// src/sensor/cgroup.ts on the real cgroupfs: the run cgroup's id is the inode
// the sensor filters on, removal sweeps fangs/<run> out of every hierarchy
// (runc leaves them in the v1 controllers too), orphans are listed. Only this
// test's own ids are removed: other runs may be live on the same host.
import { expect, test } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { createRunCgroup, listOrphanCgroups, moveToCgroup, cgroupPids, removeRunCgroups, runCgroupPath } from "../../src/sensor/cgroup.ts";

const runId = `cgtest${process.pid}${Date.now().toString(16)}`.slice(0, 32);

test("create, populate, sweep every hierarchy", async () => {
  const { path, id } = createRunCgroup(runId);
  expect(path).toBe(`/sys/fs/cgroup/unified/fangs/${runId}`);
  expect(createRunCgroup(runId).id).toBe(id); // idempotent
  // what runc leaves behind: a container dir below, and the run dir in v1 controllers
  mkdirSync(`${path}/container1`);
  for (const h of ["memory", "pids", "cpuset"]) mkdirSync(`/sys/fs/cgroup/${h}/fangs/${runId}/container1`, { recursive: true });

  const p = Bun.spawn(["sleep", "30"]);
  moveToCgroup(path, p.pid);
  expect(cgroupPids(path)).toEqual([p.pid]);
  expect(listOrphanCgroups()).toContain(runId);
  expect(listOrphanCgroups([runId])).not.toContain(runId);
  expect(() => removeRunCgroups(runId)).toThrow(/cannot remove cgroup/); // still has a process
  p.kill();
  await p.exited;

  const removed = removeRunCgroups(runId);
  expect(removed).toContain(path);
  for (const h of ["unified", "memory", "pids", "cpuset"]) expect(existsSync(`/sys/fs/cgroup/${h}/fangs/${runId}`)).toBe(false);
  expect(removeRunCgroups(runId)).toEqual([]); // nothing left, no error
});

test("run ids that could escape the fangs directory are refused", () => {
  for (const bad of ["../x", "a/b", "", ".hidden"]) expect(() => runCgroupPath(bad)).toThrow(/invalid cgroup name/);
});
