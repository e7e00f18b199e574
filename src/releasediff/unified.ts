// A capped unified diff of two texts (LCS over lines, three lines of
// context). Inputs are attacker-written: the line count and the output are
// bounded, and a diff that hit a cap says so in its last line.
export const DIFF_MAX_LINES = 2000;
export const DIFF_MAX_OUT = 16 * 1024;

export function unifiedDiff(a: string, b: string, opts: { from?: string; to?: string; context?: number; maxOut?: number } = {}): string {
  if (a === b) return "";
  const ctx = opts.context ?? 3;
  const maxOut = opts.maxOut ?? DIFF_MAX_OUT;
  // An empty text has no lines (an added script is all "+").
  let x = a === "" ? [] : a.split("\n");
  let y = b === "" ? [] : b.split("\n");
  let clipped = false;
  if (x.length > DIFF_MAX_LINES || y.length > DIFF_MAX_LINES) {
    x = x.slice(0, DIFF_MAX_LINES);
    y = y.slice(0, DIFF_MAX_LINES);
    clipped = true;
  }
  // Common prefix and suffix first: the DP only sees the changed middle.
  let pre = 0;
  while (pre < x.length && pre < y.length && x[pre] === y[pre]) pre++;
  let suf = 0;
  while (suf < x.length - pre && suf < y.length - pre && x[x.length - 1 - suf] === y[y.length - 1 - suf]) suf++;
  const xm = x.slice(pre, x.length - suf);
  const ym = y.slice(pre, y.length - suf);
  const n = xm.length;
  const m = ym.length;
  const w = m + 1;
  const L = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) {
    L[i * w + j] = xm[i] === ym[j] ? L[(i + 1) * w + j + 1] + 1 : Math.max(L[(i + 1) * w + j], L[i * w + j + 1]);
  }
  // The edit script over whole files: [op, aLine, bLine] with ' ', '-', '+'.
  const ops: Array<[" " | "-" | "+", string]> = [];
  for (let k = 0; k < pre; k++) ops.push([" ", x[k]]);
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && xm[i] === ym[j]) { ops.push([" ", xm[i]]); i++; j++; }
    else if (i < n && (j >= m || L[(i + 1) * w + j] >= L[i * w + j + 1])) { ops.push(["-", xm[i]]); i++; }
    else { ops.push(["+", ym[j]]); j++; }
  }
  for (let k = x.length - suf; k < x.length; k++) ops.push([" ", x[k]]);
  // Hunks: changed ops with ctx lines around them.
  const out: string[] = [`--- ${opts.from ?? "a"}`, `+++ ${opts.to ?? "b"}`];
  let size = out.join("\n").length;
  const changed = ops.map((o, k) => (o[0] !== " " ? k : -1)).filter((k) => k >= 0);
  let k = 0;
  while (k < changed.length) {
    const start = Math.max(0, changed[k] - ctx);
    let end = changed[k];
    while (k + 1 < changed.length && changed[k + 1] - end <= 2 * ctx) end = changed[++k];
    k++;
    const stop = Math.min(ops.length - 1, end + ctx);
    let aStart = 1, bStart = 1;
    for (let q = 0; q < start; q++) { if (ops[q][0] !== "+") aStart++; if (ops[q][0] !== "-") bStart++; }
    const body = ops.slice(start, stop + 1);
    const aLen = body.filter((o) => o[0] !== "+").length;
    const bLen = body.filter((o) => o[0] !== "-").length;
    // diff -u names the line before an empty range.
    if (aLen === 0) aStart--;
    if (bLen === 0) bStart--;
    for (const line of [`@@ -${aStart},${aLen} +${bStart},${bLen} @@`, ...body.map(([op, t]) => op + t)]) {
      if (size + line.length + 1 > maxOut) return out.join("\n") + "\n… (diff capped)";
      out.push(line);
      size += line.length + 1;
    }
  }
  return out.join("\n") + (clipped ? `\n… (only the first ${DIFF_MAX_LINES} lines compared)` : "");
}
