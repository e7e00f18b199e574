// pnpm-lock.yaml: "packages" keys name each installed package —
// v5 "/name/1.2.3_peers", v6 "/name@1.2.3(peers)", v9 "name@1.2.3".
// requiresBuild: true marks install scripts up to v6 (absent = none); v9
// dropped the field, so there the packument says.
import { parse } from "yaml";
import { at, checkName, isRegistryVersion, LockfileError, type LockEntry, type Lockfile, type LockSkip } from "./types.ts";

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);

export function parsePnpm(file: string, text: string): Lockfile {
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100, uniqueKeys: true });
  } catch (e) {
    throw new LockfileError(file, "document", `not valid YAML (${(e as Error).message.split("\n")[0]})`);
  }
  if (!isObj(doc) || doc.lockfileVersion === undefined) throw new LockfileError(file, "document", "no lockfileVersion: not a pnpm lockfile");
  const lv = String(doc.lockfileVersion);
  const major = Number.parseInt(lv, 10);
  if (!(major >= 5 && major <= 9)) throw new LockfileError(file, "lockfileVersion", `unsupported pnpm lockfile version ${JSON.stringify(lv)} (5 to 9 are known)`);
  const entries: LockEntry[] = [];
  const skipped: LockSkip[] = [];
  if (doc.packages !== undefined && !isObj(doc.packages)) throw new LockfileError(file, "packages", "not a mapping");
  for (const [key, e] of Object.entries(doc.packages ?? {})) {
    const where = `packages[${at(key)}]`;
    if (!isObj(e)) throw new LockfileError(file, where, "entry is not a mapping");
    const bare = key.replace(/^\//, "").replace(/\(.*$/, "");
    let name: string;
    let version: string;
    if (major < 6) {
      const i = bare.lastIndexOf("/");
      [name, version] = i > 0 ? [bare.slice(0, i), bare.slice(i + 1).replace(/_.*$/, "")] : [bare, ""];
    } else {
      const i = bare.lastIndexOf("@");
      [name, version] = i > 0 ? [bare.slice(0, i), bare.slice(i + 1)] : [bare, ""];
    }
    // Tarball, git and directory dependencies carry their own name/version.
    if (typeof e.name === "string") name = e.name;
    if (typeof e.version === "string") version = e.version;
    name = checkName(file, where, name);
    const res = isObj(e.resolution) ? e.resolution : {};
    if (res.tarball !== undefined || res.type !== undefined || !isRegistryVersion(version)) {
      skipped.push({ name, reason: "not from a registry (tarball, git or directory)" });
      continue;
    }
    entries.push({ name, version, installScript: e.requiresBuild === true ? true : major < 9 ? false : undefined });
  }
  return { format: "pnpm", version: lv, entries, skipped };
}
