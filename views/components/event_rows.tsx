// Rows of a run's event list plus the "load more" row that fetches the next
// page and replaces itself with it (htmx outerHTML swap).
import type { FangsEvent } from "../../src/events/types.ts";
import { runHref } from "./format.tsx";

export interface EventItem { seq: number; kind: string; pid: number; comm: string; event: FangsEvent | null }

/** The sensor's notes on a path: what was asked for when the kernel opened something else, cut, unreadable. */
function asked(e: { requested?: string; path_truncated?: boolean; unreadable?: boolean }): string {
  return `${e.requested !== undefined ? ` (asked for ${e.requested})` : ""}${e.path_truncated ? " (path truncated)" : ""}${e.unreadable ? " (unreadable)" : ""}`;
}

/** One line saying what the event did; every part is data, rendered as text. */
export function summary(e: FangsEvent | null): string {
  if (!e) return "(unparseable event body)";
  switch (e.kind) {
    case "exec": return `${e.filename}${asked(e)} ${JSON.stringify(e.argv ?? [])}${e.argv_truncated ? " (argv truncated)" : ""}${e.errno ? ` failed errno ${e.errno}` : ""}${e.fileless ? " (fileless)" : ""}`;
    case "file": return `${e.access} ${e.path}${e.target ? ` → ${e.target}` : ""}${asked(e)}${e.errno ? ` failed errno ${e.errno}` : ""}`;
    case "connect": return e.unreadable ? `${e.proto} (unreadable address)` : `${e.proto} ${e.address}:${e.port}`;
    case "fork": return `created pid ${e.child_pid}`;
    case "exit": return `exited ${e.exit_code}${e.signal ? ` (signal ${e.signal})` : ""}`;
    case "socket": return `${e.family} ${e.type} socket, protocol ${e.protocol}`;
    case "listen": return `${e.proto} listen ${e.address}:${e.port}`;
    case "dns": return `${e.qtype} ${e.qname} via ${e.server}:${e.port}`;
    case "tls": return `SNI ${e.sni}${e.address ? ` → ${e.address}:${e.port}` : ""}`;
    default: return JSON.stringify(e);
  }
}

export function moreHref(runId: string, after: number, kind?: string): string {
  const q = new URLSearchParams({ after: String(after), ...(kind ? { kind } : {}) });
  return `${runHref(runId)}/events/more?${q}`;
}

export function EventRows(p: { runId: string; items: EventItem[]; kind?: string; nextAfter: number | null }) {
  return (
    <>
      {p.items.map((e) => (
        <tr class="event">
          <td class="num">{e.seq}</td>
          <td><span class={`kind k-${e.kind.replace(/[^a-z]/g, "")}`}>{e.kind}</span></td>
          <td class="num">{e.pid}</td>
          <td class="mono">{e.comm}</td>
          <td class="mono wrap">{summary(e.event)}</td>
        </tr>
      ))}
      {p.nextAfter !== null ? (
        <tr class="more" id="load-more">
          <td colspan={5}>
            <button hx-get={moreHref(p.runId, p.nextAfter, p.kind)} hx-target="closest tr" hx-swap="outerHTML">load more</button>
          </td>
        </tr>
      ) : null}
    </>
  );
}
