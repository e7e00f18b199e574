// /ui/pending — the triage queue, the same rows as `fangs pending`.
import type { PendingRow as Row } from "../src/store/pending.ts";
import { SEVERITIES } from "../src/differ/severity.ts";
import { Layout } from "./layout.tsx";
import { PendingRow } from "./components/pending_row.tsx";

export function PendingPage(p: { rows: Row[]; filter: { package?: string; min_severity?: string }; signedIn?: boolean }) {
  return (
    <Layout title="Pending" active="/ui/pending" signedIn={p.signedIn}>
      <h1>Pending <span class="muted">({p.rows.length})</span></h1>
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
      {p.rows.length === 0 ? (
        <p class="muted" id="pending-empty">Nothing pending. Every finished run matched its baseline.</p>
      ) : (
        <table class="grid" id="pending">
          <thead><tr><th>Run</th><th>Package</th><th>Version</th><th>Deviations</th><th>Max severity</th><th>Last detected</th><th>Promote with</th><th></th></tr></thead>
          <tbody>{p.rows.map((r) => <PendingRow row={r} />)}</tbody>
        </table>
      )}
    </Layout>
  );
}
