// /ui/pending — the triage queue, the same rows as `fangs pending`.
import type { PendingRow as Row } from "../src/store/pending.ts";
import { SEVERITIES } from "../src/differ/severity.ts";
import { Layout } from "./layout.tsx";
import { PendingRows, pendingHref, type PendingFilter } from "./components/pending_rows.tsx";

/** One page of the queue: `rows` from position `start` of `total`, `next` the cursor of the page after (null at the end). */
export interface QueueView { rows: Row[]; total: number; start: number; next: string | null }

export function PendingPage(p: QueueView & { filter: PendingFilter; signedIn?: boolean }) {
  return (
    <Layout title="Pending" active="/ui/pending" signedIn={p.signedIn}>
      <h1>Pending <span class="muted">({p.total})</span></h1>
      <form method="get" action="/ui/pending" class="filters">
        <label>Package <input name="package" value={p.filter.package ?? ""} placeholder="any" /></label>
        <label>Min severity{" "}
          <select name="min_severity">
            <option value="">any</option>
            {SEVERITIES.map((s) => <option value={s} selected={p.filter.min_severity === s}>{s}</option>)}
          </select>
        </label>
        <button type="submit">Filter</button>
      </form>
      {p.start > 0 ? <p class="muted">Rows after {p.start} of the queue. <a href={pendingHref("/ui/pending", p.filter)}>back to the first page</a></p> : null}
      {p.total === 0 ? (
        <p class="muted" id="pending-empty">Nothing pending. Every finished run matched its baseline.</p>
      ) : (
        <table class="grid" id="pending">
          <thead><tr><th>Run</th><th>Package</th><th>Version</th><th>Deviations</th><th>Max severity</th><th>Last detected</th><th>Promote with</th><th></th></tr></thead>
          <tbody><PendingRows rows={p.rows} next={p.next} remaining={p.total - p.start - p.rows.length} filter={p.filter} /></tbody>
        </table>
      )}
    </Layout>
  );
}
