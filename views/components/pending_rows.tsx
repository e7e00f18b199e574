// A page of the triage queue: the rows (the same PendingRow component the
// promote endpoints return) plus, when more remain, a "load more" row that
// fetches the next page with the same filters and replaces itself with it
// (htmx outerHTML swap). Without JavaScript the link opens that page.
import type { PendingRow as Row } from "../../src/store/pending.ts";
import { PendingRow } from "./pending_row.tsx";

export interface PendingFilter { package?: string; min_severity?: string }

export function pendingHref(path: "/ui/pending" | "/ui/pending/more", f: PendingFilter, after?: string): string {
  const q = new URLSearchParams();
  if (f.package) q.set("package", f.package);
  if (f.min_severity) q.set("min_severity", f.min_severity);
  if (after) q.set("after", after);
  const qs = q.toString();
  return qs ? `${path}?${qs}` : path;
}

export function PendingRows(p: { rows: Row[]; next: string | null; remaining: number; filter: PendingFilter }) {
  return (
    <>
      {p.rows.map((r) => <PendingRow row={r} />)}
      {p.next !== null ? (
        <tr class="more" id="pending-more">
          <td colspan={8}>
            <a href={pendingHref("/ui/pending", p.filter, p.next)} hx-get={pendingHref("/ui/pending/more", p.filter, p.next)} hx-target="closest tr" hx-swap="outerHTML">
              load more ({p.remaining} more)
            </a>
          </td>
        </tr>
      ) : null}
    </>
  );
}
