// Whether a release runs code when npm installs it, from its version
// metadata in a packument: an install-time lifecycle script (preinstall,
// install, postinstall), or a binding.gyp (npm runs `node-gyp rebuild`; the
// registry marks it gypfile and an install script). `prepare` and the rest do
// not run for a registry tarball.
type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);

export const INSTALL_SCRIPTS = ["preinstall", "install", "postinstall"] as const;

/** true: runs code; false: the metadata shows it does not; undefined: it cannot tell. */
export function runsInstallCode(meta: unknown, abbreviated: boolean): boolean | undefined {
  if (!isObj(meta)) return undefined;
  if (meta.hasInstallScript === true || meta.gypfile === true) return true;
  if (isObj(meta.scripts)) {
    const s = meta.scripts;
    return INSTALL_SCRIPTS.some((k) => typeof s[k] === "string" && s[k] !== "");
  }
  // Abbreviated metadata has no scripts; the registry sets hasInstallScript
  // there whenever a version has one, so its absence is an answer.
  if (abbreviated) return false;
  return undefined;
}
