// /ui/notifiers — configured webhook targets (read-only here; manage them with
// `fangs notifier …`). Rows come through notifierPublic(): chat webhook URLs
// are redacted and header values never leave the database.
import type { notifierPublic } from "../src/store/notifiers.ts";
import { Layout } from "./layout.tsx";
import { Time } from "./components/format.tsx";

export type NotifierView = ReturnType<typeof notifierPublic>;

export function NotifiersPage(p: { rows: NotifierView[]; signedIn?: boolean }) {
  return (
    <Layout title="Notifiers" active="/ui/notifiers" signedIn={p.signedIn}>
      <h1>Notifiers <span class="muted">({p.rows.length})</span></h1>
      {p.rows.length === 0 ? (
        <p class="muted" id="notifiers-empty">No notifiers: deviations wait here until someone looks. Add one with <code>fangs notifier add</code>.</p>
      ) : (
        <table class="grid" id="notifiers">
          <thead><tr><th>Name</th><th>Template</th><th>Target</th><th>Min severity</th><th>HMAC secret env</th><th>Headers</th><th>Enabled</th><th>Added</th></tr></thead>
          <tbody>
            {p.rows.map((n) => (
              <tr>
                <td class="mono">{n.name}</td>
                <td class="mono">{n.template}</td>
                <td class="mono clip" title={n.url}>{n.url}</td>
                <td class="mono">{n.min_severity ?? "any"}</td>
                <td class="mono">{n.secret_env ?? "—"}</td>
                <td class="mono">{n.header_names.join(", ")}</td>
                <td>{n.enabled ? "yes" : <span class="muted">no</span>}</td>
                <td><Time ms={n.created_at_ms} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
