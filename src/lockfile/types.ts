// What a lockfile parser gives back: the packages of the closure, with what
// the lockfile says about them. Names are checked here, once, for every
// format: a lockfile is attacker-reachable input (a pull request can edit it).
import { FangsError } from "../core/errors.ts";
import { packageNameError } from "../store/packages.ts";

export type LockFormat = "npm" | "yarn-v1" | "pnpm";

export interface LockEntry {
  name: string;
  version: string;
  /** true/false when the lockfile records it; undefined when it does not say. */
  installScript: boolean | undefined;
  /** The tarball URL the lockfile resolved, when it records one. */
  resolved?: string;
}

export interface LockSkip { name: string; reason: string }

export interface Lockfile { format: LockFormat; version: string; entries: LockEntry[]; skipped: LockSkip[] }

export class LockfileError extends FangsError {
  constructor(file: string, where: string, what: string) {
    super(`${file}: ${where}: ${what}`, { hint: "fix or regenerate the lockfile (npm install / yarn / pnpm install), then import again" });
  }
}

/** A name as a lockfile gives it: a valid npm name, or the import is refused. */
export function checkName(file: string, where: string, name: unknown): string {
  if (typeof name !== "string") throw new LockfileError(file, where, "entry has no package name");
  const err = packageNameError(name);
  if (err) throw new LockfileError(file, where, err);
  return name;
}

export { isRegistryVersion } from "../protocol/npm_names.ts";

/** Where a place in the lockfile is, for an error line (JSON-quoted: no control characters reach the terminal). */
export const at = (s: string) => JSON.stringify(s.length > 200 ? s.slice(0, 200) + "…" : s);
