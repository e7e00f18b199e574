// package-lock.json / npm-shrinkwrap.json: lockfileVersion 2 and 3 list every
// installed package under "packages" (key = its node_modules path, with
// hasInstallScript when it has one); version 1 nests "dependencies".
import { at, checkName, isRegistryVersion, LockfileError, type LockEntry, type Lockfile, type LockSkip } from "./types.ts";

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);

export function parseNpm(file: string, text: string): Lockfile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new LockfileError(file, "document", `not valid JSON (${(e as Error).message})`);
  }
  if (!isObj(doc)) throw new LockfileError(file, "document", "not a JSON object");
  const lv = doc.lockfileVersion;
  const entries: LockEntry[] = [];
  const skipped: LockSkip[] = [];
  if ((lv === 2 || lv === 3) && isObj(doc.packages)) {
    for (const [key, e] of Object.entries(doc.packages)) {
      if (key === "") continue; // the project itself
      if (!isObj(e)) throw new LockfileError(file, `packages[${at(key)}]`, "entry is not an object");
      const i = key.lastIndexOf("node_modules/");
      if (i < 0) continue; // a workspace folder, not an installed package
      checkName(file, `packages[${at(key)}]`, key.slice(i + "node_modules/".length));
      if (e.link === true) continue; // a workspace's own package: the project's code, not the closure's
      const name = checkName(file, `packages[${at(key)}]`, e.name ?? key.slice(i + "node_modules/".length));
      const entry = registryEntry(name, e.version, e.resolved, e.hasInstallScript === true, skipped);
      if (entry) entries.push(entry);
    }
    return { format: "npm", version: String(lv), entries, skipped };
  }
  if (lv === 1 || (lv === undefined && isObj(doc.dependencies))) {
    const walk = (deps: unknown, path: string) => {
      if (deps === undefined) return;
      if (!isObj(deps)) throw new LockfileError(file, path, "dependencies is not an object");
      for (const [key, e] of Object.entries(deps)) {
        const where = `${path}[${at(key)}]`;
        if (!isObj(e)) throw new LockfileError(file, where, "entry is not an object");
        let name = checkName(file, where, key);
        let version = e.version;
        // An alias: "foo": { "version": "npm:bar@1.2.3" } installs bar.
        const alias = typeof version === "string" ? /^npm:(@?[^@]+)@(.+)$/.exec(version) : null;
        if (alias) [name, version] = [checkName(file, where, alias[1]), alias[2]];
        // v1 does not record install scripts: the packument will say.
        const entry = registryEntry(name, version, e.resolved, undefined, skipped);
        if (entry) entries.push(entry);
        walk(e.dependencies, `${where}.dependencies`);
      }
    };
    walk(doc.dependencies, "dependencies");
    return { format: "npm", version: String(lv ?? 1), entries, skipped };
  }
  throw new LockfileError(file, "lockfileVersion", `unsupported npm lockfile version ${JSON.stringify(lv)} (1, 2 and 3 are known)`);
}

function registryEntry(name: string, version: unknown, resolved: unknown, installScript: boolean | undefined, skipped: LockSkip[]): LockEntry | undefined {
  if (!isRegistryVersion(version)) {
    skipped.push({ name, reason: `not from a registry (version ${JSON.stringify(String(version ?? "")).slice(0, 80)})` });
    return undefined;
  }
  if (resolved !== undefined && (typeof resolved !== "string" || !/^https?:\/\//.test(resolved))) {
    skipped.push({ name, reason: "not from a registry (resolved from git or a file)" });
    return undefined;
  }
  return { name, version, installScript, ...(typeof resolved === "string" && { resolved }) };
}
