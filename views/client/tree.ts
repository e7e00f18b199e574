// The process tree behind the lineage view, from a run's exec events plus
// each event's ancestry (nearest first). Pure data, no DOM: unit-tested in
// tests/ui/tree.test.ts.

export interface Ancestor { pid: number; comm: string; exe: string }
export interface Ev { seq: number; kind: string; pid: number; ppid: number; comm: string; exe: string; ancestry?: Ancestor[]; filename?: string; argv?: string[] }
export interface Proc { pid: number; comm: string; exe: string; argv?: string[]; parent?: number; children: Set<number> }

export function buildTree(events: Ev[], evidence: Ev | null): Map<number, Proc> {
  const procs = new Map<number, Proc>();
  const touch = (pid: number, comm: string, exe: string) => {
    let p = procs.get(pid);
    if (!p) procs.set(pid, (p = { pid, comm, exe, children: new Set() }));
    if (!p.exe && exe) p.exe = exe;
    return p;
  };
  const link = (child: number, parent: number) => {
    // Event data is attacker-influenced (and pids get reused): never let it
    // make a cycle, which would hide processes from every root.
    if (child === parent || pathTo(procs, parent).has(child)) return;
    const c = procs.get(child)!;
    if (c.parent === undefined) c.parent = parent;
    procs.get(parent)?.children.add(child);
  };
  for (const e of evidence ? [...events, evidence] : events) {
    const self = touch(e.pid, e.comm, e.exe);
    if (e.kind === "exec") {
      self.comm = e.comm;
      self.exe = e.filename || e.exe;
      self.argv = e.argv;
    }
    // ancestry is nearest first: parent, grandparent, …
    let child = e.pid;
    for (const a of e.ancestry ?? []) {
      touch(a.pid, a.comm, a.exe);
      link(child, a.pid);
      child = a.pid;
    }
    if (!e.ancestry?.length && e.ppid) {
      touch(e.ppid, "?", "");
      link(e.pid, e.ppid);
    }
  }
  return procs;
}

/** The evidence process and its ancestors: the path the view highlights. */
export function pathTo(procs: Map<number, Proc>, pid: number | undefined): Set<number> {
  const path = new Set<number>();
  for (let p = pid, guard = 0; p !== undefined && guard < 256 && !path.has(p); p = procs.get(p)?.parent, guard++) path.add(p);
  return path;
}

/** Processes whose parent is unknown: the tops of the forest. */
export function roots(procs: Map<number, Proc>): number[] {
  return [...procs.values()].filter((x) => x.parent === undefined || !procs.has(x.parent)).map((x) => x.pid).sort((a, b) => a - b);
}
