// yarn.lock v1 (classic): blocks of
//   "name@range", name@range2:
//     version "1.2.3"
//     resolved "https://registry.yarnpkg.com/name/-/name-1.2.3.tgz#sha1"
// The format is small and regular, so it is read here rather than with a
// dependency. It does not record install scripts (the packument will say).
// yarn berry (v2+) lockfiles are YAML with __metadata and are refused.
import { at, checkName, isRegistryVersion, LockfileError, type LockEntry, type Lockfile, type LockSkip } from "./types.ts";

const unquote = (s: string) => (s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s);

/** "name@range" → the package it installs (an npm: alias installs another). */
function specName(spec: string): string | undefined {
  const i = spec.indexOf("@", 1);
  if (i < 0) return undefined;
  const range = spec.slice(i + 1);
  const alias = /^npm:(@?[^@]+)@/.exec(range);
  return alias ? alias[1] : spec.slice(0, i);
}

export function parseYarn(file: string, text: string): Lockfile {
  if (/^__metadata:/m.test(text)) throw new LockfileError(file, "document", "a yarn berry (v2+) lockfile; only yarn v1 lockfiles are read");
  if (!/^# yarn lockfile v1\s*$/m.test(text)) throw new LockfileError(file, "line 1", 'not a yarn v1 lockfile (no "# yarn lockfile v1" header)');
  const entries: LockEntry[] = [];
  const skipped: LockSkip[] = [];
  let cur: { line: number; name: string; fields: Record<string, string> } | undefined;
  const flush = () => {
    if (!cur) return;
    const { name, fields } = cur;
    const resolved = fields.resolved;
    if (!isRegistryVersion(fields.version)) skipped.push({ name, reason: `not from a registry (version ${JSON.stringify(fields.version ?? "")})` });
    else if (resolved !== undefined && !/^https?:\/\/[^#]*\/-\//.test(resolved)) skipped.push({ name, reason: "not from a registry (resolved from git or a file)" });
    else entries.push({ name, version: fields.version, installScript: undefined, ...(resolved !== undefined && { resolved }) });
    cur = undefined;
  };
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n];
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    if (!/^\s/.test(line)) {
      flush();
      if (!line.endsWith(":")) throw new LockfileError(file, `line ${n + 1}`, `expected "name@range:" but found ${at(line)}`);
      const specs = line.slice(0, -1).split(/,\s*/).map((s) => unquote(s.trim()));
      const names = new Set(specs.map((s) => {
        const name = specName(s);
        if (name === undefined) throw new LockfileError(file, `line ${n + 1}`, `${at(s)} is not name@range`);
        return checkName(file, `line ${n + 1}`, name);
      }));
      if (names.size !== 1) throw new LockfileError(file, `line ${n + 1}`, "one block names several packages");
      cur = { line: n + 1, name: [...names][0], fields: {} };
      continue;
    }
    // Two-space fields of the current block; deeper lines (dependencies) are not needed.
    const m = /^ {2}([A-Za-z]+) (.+)$/.exec(line);
    if (m && cur) cur.fields[m[1]] = unquote(m[2].trim());
    else if (!cur) throw new LockfileError(file, `line ${n + 1}`, "indented line outside a block");
  }
  flush();
  return { format: "yarn-v1", version: "1", entries, skipped };
}
