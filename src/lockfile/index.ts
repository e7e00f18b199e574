// Read a lockfile of any supported kind: by its file name, else by a look at
// its content. One size limit for all (a lockfile of a big monorepo is a few MB).
import { basename } from "node:path";
import { readFileSync, statSync } from "node:fs";
import { FangsError } from "../core/errors.ts";
import { parseNpm } from "./npm.ts";
import { parseYarn } from "./yarn.ts";
import { parsePnpm } from "./pnpm.ts";
import type { Lockfile } from "./types.ts";

export type { LockEntry, Lockfile, LockSkip } from "./types.ts";

export const MAX_LOCKFILE_BYTES = 64 * 1024 * 1024;

export function parseLockfile(file: string, text: string): Lockfile {
  const base = basename(file);
  if (base === "package-lock.json" || base === "npm-shrinkwrap.json") return parseNpm(base, text);
  if (base === "yarn.lock") return parseYarn(base, text);
  if (base === "pnpm-lock.yaml") return parsePnpm(base, text);
  const head = text.trimStart();
  if (head.startsWith("{")) return parseNpm(base, text);
  if (/^# yarn lockfile v1/m.test(text)) return parseYarn(base, text);
  if (/^lockfileVersion:/m.test(text)) return parsePnpm(base, text);
  throw new FangsError(`${base}: not a lockfile FANGS reads`, { hint: "give a package-lock.json, npm-shrinkwrap.json, yarn.lock (v1) or pnpm-lock.yaml" });
}

export function readLockfile(path: string): Lockfile {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    throw new FangsError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { hint: "give the path of a lockfile" });
  }
  if (size > MAX_LOCKFILE_BYTES) throw new FangsError(`${path} is ${size} bytes, over the ${MAX_LOCKFILE_BYTES}-byte limit for a lockfile`);
  return parseLockfile(path, readFileSync(path, "utf8"));
}
