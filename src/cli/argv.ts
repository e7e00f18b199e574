// citty reads `-package axios` as the short flags -p -a -c …; the manual uses
// Go-style single-dash long flags throughout. Rewrite them to `--package`
// before citty sees them. Single letters (-h) and negative numbers stay.
export function normalizeArgv(argv: string[]): string[] {
  const out: string[] = [];
  let rest = false;
  for (const a of argv) {
    if (rest) { out.push(a); continue; }
    if (a === "--") { rest = true; out.push(a); continue; }
    if (/^-[A-Za-z][A-Za-z0-9-]+(=.*)?$/s.test(a)) out.push("-" + a);
    else out.push(a);
  }
  return out;
}
