// How listings reach the terminal: an aligned table for people, or JSON for
// machines (stable keys, one document, pipes into jq); and how an error does:
// one line, a hint, exit 1.
import { FangsError, oneLine } from "../core/errors.ts";

/** The CLI's one error path: `Error: …` and `Try: …`, exit 1. */
export function reportAndExit(e: unknown): never {
  process.stderr.write(`Error: ${oneLine(e)}\n`);
  if (e instanceof FangsError && e.hint) process.stderr.write(`Try: ${e.hint}\n`);
  else if (!(e instanceof FangsError) && process.env.FANGS_DEBUG) process.stderr.write(String((e as Error)?.stack) + "\n");
  process.exit(1);
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + "\n");
}

/** Strip control characters (attacker-controlled strings reach the terminal). */
export function safe(s: unknown): string {
  return String(s ?? "").replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

export function printTable(headers: string[], rows: unknown[][], emptyNote = "(none)"): void {
  if (rows.length === 0) {
    process.stdout.write(emptyNote + "\n");
    return;
  }
  const cells = rows.map((r) => r.map(safe));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd();
  process.stdout.write([line(headers), ...cells.map(line)].join("\n") + "\n");
}

/** A listing: with --json the rows (through `json`) as one array, else the table. */
export function printListing<R>(asJson: boolean | undefined, rows: readonly R[], t: { json?: (r: R) => unknown; head: string[]; cells: (r: R) => unknown[]; empty: string }): void {
  if (asJson) return printJson(t.json ? rows.map((r) => t.json!(r)) : rows);
  printTable(t.head, rows.map(t.cells), t.empty);
}

export function ago(ms: number | null | undefined, now = Date.now()): string {
  if (!ms) return "-";
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

export function iso(ms: number | null | undefined): string | null {
  return ms ? new Date(ms).toISOString() : null;
}
