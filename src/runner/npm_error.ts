// A failed install keeps npm's own words: the failure reason of a run whose
// `npm install` exited non-zero is the tail of npm's error output (the
// "npm error" lines when there are any, else the last lines), capped so it
// fits the protocol's failure_reason. It is attacker-influenced text (a
// package's scripts write to the same log): every surface escapes it.
export const NPM_ERROR_MAX = 1500;

export function npmFailureReason(exitCode: number, logTail: string, max = NPM_ERROR_MAX): string {
  const lines = logTail.replace(/\r/g, "").split("\n").map((l) => l.trimEnd()).filter((l) => l.trim() !== "");
  const npmLines = lines.filter((l) => /^npm (error|ERR!)/.test(l) && !/A complete log of this run|^npm (error|ERR!)\s*$/.test(l));
  const chosen = (npmLines.length ? npmLines : lines).slice(-12).join("\n");
  const head = `npm install exited ${exitCode}`;
  if (!chosen) return `${head} (no output)`;
  const room = max - head.length - 2;
  const tail = chosen.length > room ? `…${chosen.slice(chosen.length - room + 1)}` : chosen;
  return `${head}: ${tail}`;
}
