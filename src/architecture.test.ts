// The folder tree is the architecture, and data flows one way:
// - a module that imports one that imports it back (directly or around a
//   loop) has no clear owner. This walks every value import (static,
//   re-export and dynamic `import("./…")`; `import type` carries no code and
//   is left out) under src/ and views/ and fails on any cycle, naming it;
// - storage owns SQL: query building (kysely's selectFrom/insertInto/
//   updateTable/deleteFrom, sql``) happens in src/store/ only;
// - the layers: core at the bottom, then events (the one event shape), the
//   pure differ (rules and types, no I/O), protocol (validated shapes at the
//   edges), store (SQL), triage (load → decide → persist), service (the one
//   mutation path: package, allow, baseline, notifier and scan changes, used
//   by the JSON API, the UI and the CLI alike), the one orchestrator client,
//   then the roles on top. A folder imports only from the layers below it;
// - the surfaces (CLI commands, API routes, UI actions, views) change
//   packages, allowlists, baselines, notifiers and scans only through
//   src/service/, and the CLI reaches the orchestrator only over HTTP.
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

/**
 * Files outside src/store/ that still build queries, moved one by one (issue
 * 15). The list only shrinks: a file that no longer builds queries must leave
 * it, and a file not on it must not start.
 */
const QUERIES_NOT_YET_IN_STORE = new Set<string>([]);

test("query building lives in src/store/ only", () => {
  const QUERY = /\.(selectFrom|insertInto|replaceInto|updateTable|deleteFrom|mergeInto)\(|\bsql(`|\.raw\()/;
  const files = [...sources(join(ROOT, "src")), ...sources(join(ROOT, "views"))]
    .map((f) => relative(ROOT, f))
    .filter((f) => !f.startsWith("src/store/"));
  const building = files.filter((f) => QUERY.test(readFileSync(join(ROOT, f), "utf8")));
  expect(building.filter((f) => !QUERIES_NOT_YET_IN_STORE.has(f))).toEqual([]);
  expect([...QUERIES_NOT_YET_IN_STORE].filter((f) => !building.includes(f))).toEqual([]);
});

/** Each folder of src/ and the folders it may import values and types from. */
const LAYERS: Record<string, readonly string[]> = {
  core: [],
  events: ["core"],
  differ: ["core", "events"],
  protocol: ["core", "events", "differ"],
  store: ["core", "events", "differ", "protocol"],
  triage: ["core", "events", "differ", "protocol", "store"],
  service: ["core", "events", "differ", "protocol", "store", "triage", "registry", "releasediff"],
  client: ["core", "protocol"],
};

test("the lower layers import nothing from above them", () => {
  const files = sources(join(ROOT, "src")).map((f) => relative(join(ROOT, "src"), f));
  const wrong: string[] = [];
  const IMPORT = /^\s*(?:import|export)\s[^;]*?\bfrom\s+"(\.[^"]+)"|\bimport\(\s*"(\.[^"]+)"\s*\)/gm;
  for (const f of files) {
    const layer = f.split("/")[0]!;
    const allowed = LAYERS[layer];
    if (!allowed) continue;
    for (const m of readFileSync(join(ROOT, "src", f), "utf8").matchAll(IMPORT)) {
      const target = relative(join(ROOT, "src"), resolve(dirname(join(ROOT, "src", f)), (m[1] ?? m[2])!));
      if (target.startsWith("..")) continue; // embedded assets (migrations/*.sql)
      const to = target.split("/")[0]!;
      if (to !== layer && !allowed.includes(to)) wrong.push(`${f} → ${target}`);
    }
  }
  expect(wrong).toEqual([]);
});

/** The store and triage functions that change what the service layer owns. */
const MUTATIONS = [
  "addPackage", "removePackage", "setPackageSettings", "putSource", "dropSource",
  "addAllow", "removeAllow", "addNotifier", "removeNotifier", "setNotifierEnabled",
  "enqueueScan", "putControl", "promoteRun", "persistPromotion",
];

test("the surfaces mutate only through src/service/; the CLI does not import the orchestrator", () => {
  const surfaces = [...sources(join(ROOT, "src", "cli")), ...sources(join(ROOT, "src", "orchestrator", "routes")), ...sources(join(ROOT, "src", "orchestrator", "ui")), ...sources(join(ROOT, "views"))];
  expect(surfaces.length).toBeGreaterThan(50);
  const IMPORT = /^\s*import\s+(?:type\s+)?\{([^}]*)\}\s*from\s+"(\.[^"]+)"/gm;
  const wrong: string[] = [];
  for (const f of surfaces) {
    const rel = relative(ROOT, f);
    for (const m of readFileSync(f, "utf8").matchAll(IMPORT)) {
      const target = relative(ROOT, resolve(dirname(f), m[2]!));
      const names = m[1]!.split(",").map((n) => n.trim().split(/\s+as\s+/)[0]!.replace(/^type\s+/, ""));
      if (/^src\/(store|triage)\//.test(target)) for (const n of names) if (MUTATIONS.includes(n)) wrong.push(`${rel} imports ${n} from ${target}`);
      if (rel.startsWith("src/cli/") && rel !== "src/cli/serve.ts" && target.startsWith("src/orchestrator/")) wrong.push(`${rel} imports ${target}`);
    }
  }
  expect(wrong).toEqual([]);
});
