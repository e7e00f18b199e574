// The folder tree is the architecture, and data flows one way: a module that
// imports one that imports it back (directly or around a loop) has no clear
// owner. This walks every value import (static, re-export and dynamic
// `import("./…")`; `import type` carries no code and is left out) under src/
// and views/ and fails on any cycle, naming it.
import { expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "..");

function sources(dir: string, out: string[] = []): string[] {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.tsx?$/.test(f) && !/\.(test|d)\.tsx?$/.test(f)) out.push(p);
  }
  return out;
}

/** file → the project files it imports for their values. */
export function importGraph(files: string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  const IMPORT = /^\s*(import|export)\s+(type\s+)?[^;]*?\bfrom\s+"(\.[^"]+)"|\bimport\(\s*"(\.[^"]+)"\s*\)/gm;
  for (const f of files) {
    const deps = new Set<string>();
    for (const m of readFileSync(f, "utf8").matchAll(IMPORT)) {
      if (m[2]) continue; // import type / export type
      const target = resolve(dirname(f), (m[3] ?? m[4])!);
      if (known.has(target)) deps.add(target);
    }
    graph.set(f, [...deps]);
  }
  return graph;
}

export function cycles(graph: Map<string, string[]>): string[][] {
  const done = new Set<string>();
  const onPath: string[] = [];
  const found: string[][] = [];
  const visit = (n: string) => {
    onPath.push(n);
    for (const d of graph.get(n) ?? []) {
      const at = onPath.indexOf(d);
      if (at >= 0) found.push([...onPath.slice(at), d]);
      else if (!done.has(d)) visit(d);
    }
    onPath.pop();
    done.add(n);
  };
  for (const n of graph.keys()) if (!done.has(n)) visit(n);
  return found;
}

test("no module imports itself back, directly or around a loop", () => {
  const files = [...sources(join(ROOT, "src")), ...sources(join(ROOT, "views"))];
  expect(files.length).toBeGreaterThan(100);
  const loops = cycles(importGraph(files)).map((c) => c.map((f) => relative(ROOT, f)).join(" → "));
  expect(loops).toEqual([]);
});

test("the cycle finder sees a loop through a dynamic import and ignores type-only imports", () => {
  const g = new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]]);
  expect(cycles(g)).toEqual([["a", "b", "c", "a"]]);
  expect(cycles(new Map([["a", ["b"]], ["b", []]]))).toEqual([]);
});
