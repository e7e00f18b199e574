// Does installing name@version run any code? Walks the closure npm would
// install (dependencies, optionalDependencies, required peerDependencies),
// resolving each range as npm does (dist-tags.latest when it satisfies, else
// the highest match), and reads each version's metadata (install_code.ts).
// Every doubt answers "cannot tell" — a non-registry range, a bundled or
// shrinkwrapped dependency, a missing packument, a failed look-up, a closure
// over the limit — and a release that cannot be told apart is scanned.
// The answer holds for the registry as it is now: a dependency published
// later can change the closure (that dependency is the one to watch).
import { runsInstallCode } from "./install_code.ts";
import { packageNameError } from "../store/packages.ts";
import type { Packument } from "./npm.ts";

export interface Doc { packument: Packument; abbreviated: boolean }
/** A packument by name; undefined when the registry has none. Throws on failure. */
export type FetchDoc = (name: string) => Promise<Doc | undefined>;

export interface ClosureAnswer {
  /** false: nothing in the closure runs install code; true: something does; undefined: cannot tell. */
  runsCode: boolean | undefined;
  /** name@version of every package looked at. */
  checked: number;
  reason: string;
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);
const strings = (x: unknown): Record<string, string> => (isObj(x) ? Object.fromEntries(Object.entries(x).filter((e): e is [string, string] => typeof e[1] === "string")) : {});

export const MAX_CLOSURE = 400;

export async function closureInstallCode(root: { name: string; version: string; doc: Doc }, fetchDoc: FetchDoc, limit = MAX_CLOSURE): Promise<ClosureAnswer> {
  const docs = new Map<string, Promise<Doc | undefined>>([[root.name, Promise.resolve(root.doc)]]);
  const seen = new Set<string>();
  const todo: Array<{ name: string; version: string; doc: Doc }> = [root];
  const unsure = (reason: string): ClosureAnswer => ({ runsCode: undefined, checked: seen.size, reason });
  while (todo.length) {
    const { name, version, doc } = todo.shift()!;
    const id = `${name}@${version}`;
    if (seen.has(id)) continue;
    seen.add(id);
    if (seen.size > limit) return unsure(`closure larger than ${limit} packages`);
    const meta = doc.packument.versions[version];
    const code = runsInstallCode(meta, doc.abbreviated);
    if (code === true) return { runsCode: true, checked: seen.size, reason: `${id} runs install code` };
    if (code === undefined) return unsure(`${id}: the metadata does not say whether it runs install code`);
    const m = meta as Obj;
    const bundled = m.bundleDependencies ?? m.bundledDependencies;
    if ((Array.isArray(bundled) && bundled.length) || bundled === true) return unsure(`${id} bundles dependencies`);
    if (m._hasShrinkwrap === true) return unsure(`${id} ships a shrinkwrap`);
    const optional = strings(m.optionalDependencies);
    const peerMeta = isObj(m.peerDependenciesMeta) ? m.peerDependenciesMeta : {};
    const peers = Object.entries(strings(m.peerDependencies)).filter(([n]) => !(isObj(peerMeta[n]) && (peerMeta[n] as Obj).optional === true));
    const deps = [...Object.entries(strings(m.dependencies)), ...Object.entries(optional), ...peers];
    for (const [dep, range] of deps) {
      if (packageNameError(dep)) return unsure(`${id} depends on an invalid name`);
      if (/[:/]/.test(range)) return unsure(`${id} depends on ${dep}@${range}, not a registry range`);
    }
    // Ask for every dependency's packument at once, then read them in order.
    for (const [dep] of deps) {
      if (!docs.has(dep)) {
        const p = fetchDoc(dep);
        p.catch(() => {}); // awaited below; a rejection must not go unhandled meanwhile
        docs.set(dep, p);
      }
    }
    for (const [dep, range] of deps) {
      const d = await docs.get(dep)!;
      if (!d) {
        if (dep in optional) continue; // npm skips a missing optional dependency
        return unsure(`${dep} (needed by ${id}) is not on the registry`);
      }
      const v = resolveRange(d.packument, range);
      if (!v) return unsure(`no version of ${dep} satisfies ${range} (needed by ${id})`);
      todo.push({ name: dep, version: v, doc: d });
    }
  }
  return { runsCode: false, checked: seen.size, reason: `none of ${seen.size} package(s) in the closure runs install code` };
}

/** npm's pick: dist-tags.latest when it satisfies the range, else the highest version that does. */
export function resolveRange(doc: Packument, range: string): string | undefined {
  const r = range.trim() === "" || range.trim() === "latest" ? "*" : range;
  const latest = doc["dist-tags"].latest;
  try {
    if (latest && latest in doc.versions && Bun.semver.satisfies(latest, r)) return latest;
    return Object.keys(doc.versions)
      .filter((v) => Bun.semver.satisfies(v, r))
      .sort((a, b) => Bun.semver.order(b, a))[0];
  } catch {
    return undefined;
  }
}
