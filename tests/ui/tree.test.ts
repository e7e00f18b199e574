// The lineage view's process tree (views/client/tree.ts), as data.
import { describe, expect, test } from "bun:test";
import { buildTree, pathTo, roots, type Ev } from "../../views/client/tree.ts";

const ev = (pid: number, comm: string, ancestry: Array<[number, string]>, extra: Partial<Ev> = {}): Ev => ({
  seq: 0, kind: "file", pid, ppid: ancestry[0]?.[0] ?? 0, comm, exe: `/bin/${comm}`, ancestry: ancestry.map(([p, c]) => ({ pid: p, comm: c, exe: `/bin/${c}` })), ...extra,
});

describe("lineage tree", () => {
  test("exec events and ancestry make one tree; the path to the evidence is known", () => {
    const execs = [
      ev(10, "npm", [[1, "init"]], { kind: "exec", filename: "/usr/bin/npm", argv: ["npm", "install"] }),
      ev(20, "sh", [[10, "npm"], [1, "init"]], { kind: "exec", filename: "/bin/sh", argv: ["sh", "-c", "x"] }),
      ev(21, "node", [[10, "npm"]], { kind: "exec", filename: "/usr/bin/node", argv: ["node"] }),
    ];
    const evidence = ev(40, "curl", [[30, "node"], [20, "sh"], [10, "npm"]]);
    const t = buildTree(execs, evidence);
    expect(roots(t)).toEqual([1]);
    expect([...t.get(10)!.children].sort()).toEqual([20, 21]);
    expect(t.get(30)!.parent).toBe(20);
    expect(t.get(40)!.parent).toBe(30);
    expect(t.get(20)!.argv).toEqual(["sh", "-c", "x"]);
    expect(t.get(10)!.exe).toBe("/usr/bin/npm");
    expect([...pathTo(t, 40)]).toEqual([40, 30, 20, 10, 1]);
  });

  test("without ancestry the ppid links the process", () => {
    const t = buildTree([{ ...ev(7, "sh", []), ppid: 3 }], null);
    expect(t.get(7)!.parent).toBe(3);
    expect(roots(t)).toEqual([3]);
  });

  test("contradictory ancestry (pid reuse, forged data) cannot make a cycle", () => {
    const t = buildTree([ev(2, "a", [[3, "b"]]), ev(3, "b", [[2, "a"]])], ev(4, "c", [[2, "a"]]));
    expect(roots(t)).toEqual([3]);
    expect(t.get(3)!.parent).toBeUndefined();
    expect([...pathTo(t, 4)]).toEqual([4, 2, 3]);
  });

  test("an event with no known relatives is its own root", () => {
    const t = buildTree([], ev(99, "x", []));
    expect(roots(t)).toEqual([99]);
  });
});
