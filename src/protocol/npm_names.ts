// What npm accepts as a package name and an exact version, checked the same
// way at every edge (API, CLI, store). Names follow validate-npm-package-name:
// at most 214 characters, URL-safe, not starting with "." or "_", not
// node_modules/favicon.ico, none of ~'!()* (npm refuses them in new names;
// `~x` is not a package). Capitals stay allowed: legacy names such as
// JSONStream are still published and watched. A version is an exact SemVer
// 2.0 version; tags and ranges are resolved to one (resolveVersion) before a
// scan is queued, so a run always records what it installed.

const PART = /^[A-Za-z0-9-][A-Za-z0-9._-]*$/;
const BLOCKED = new Set(["node_modules", "favicon.ico"]);

export function packageNameError(name: string): string | undefined {
  if (!name) return "package name is empty";
  if (name.length > 214) return "package name is longer than 214 characters";
  const bad = (why: string) => `${JSON.stringify(name.slice(0, 80))} is not a valid npm package name: ${why}`;
  if (name.trim() !== name) return bad("leading or trailing spaces");
  if (/^[._]/.test(name)) return bad('it starts with "." or "_"');
  if (BLOCKED.has(name.toLowerCase())) return bad("the name is reserved");
  const m = /^@([^/]+)\/([^/]+)$/.exec(name);
  const parts = name.startsWith("@") ? (m ? [m[1], m[2]] : null) : [name];
  if (!parts || !parts.every((p) => PART.test(p))) return bad("letters, digits, - . _ and one @scope/ only");
  return undefined;
}

// semver.org's own expression for a SemVer 2.0 version.
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

// A version as lockfiles write it (looser than SemVer: leading zeros pass).
const LOCKED = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
export const isRegistryVersion = (v: unknown): v is string => typeof v === "string" && v.length <= 256 && LOCKED.test(v);

export function isExactVersion(v: string): boolean {
  return v.length <= 256 && SEMVER.test(v);
}

/**
 * The exact version a tag (`latest`) or a range (`^1.2`) names on the
 * registry, or undefined when none does. An exact version is returned as is
 * when the registry has it.
 */
export function resolveVersion(p: { "dist-tags": Record<string, string>; versions: Record<string, unknown> }, spec: string): string | undefined {
  if (isExactVersion(spec)) return spec in p.versions ? spec : undefined;
  const tagged = p["dist-tags"][spec];
  if (tagged !== undefined) return tagged in p.versions ? tagged : undefined;
  // Not a tag: a range, or nothing (Bun.semver would read an unknown word as "any version").
  if (!/^[\d^~<>=*xX]/.test(spec) || !/^[0-9A-Za-z.^~<>=*|+\s-]{1,256}$/.test(spec)) return undefined;
  let best: string | undefined;
  for (const v of Object.keys(p.versions)) {
    if (!isExactVersion(v)) continue;
    let ok = false;
    try {
      ok = Bun.semver.satisfies(v, spec);
    } catch {
      return undefined;
    }
    if (ok && (best === undefined || Bun.semver.order(v, best) > 0)) best = v;
  }
  return best;
}
