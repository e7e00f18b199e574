// /ui/audit — the append-only audit log, newest first.
import { AUDIT_TARGETS, type AuditRow } from "../src/store/audit.ts";
import type { ChainReport } from "../src/store/audit_chain.ts";
import { Layout } from "./layout.tsx";
import { Time } from "./components/format.tsx";

const show = (v: unknown) => (v === null || v === undefined ? "" : JSON.stringify(v));

/** The hash chain's state, as `fangs audit verify` prints it. */
function ChainLine({ r }: { r: ChainReport }) {
  const legacy = r.unchained ? `; ${r.unchained} older rows predate the chain` : "";
  if (r.ok) {
    return <p id="audit-chain" class="chain-ok">Hash chain intact: {r.rows} rows{legacy}. Head <span class="mono">{r.head.seq}:{r.head.hash.slice(0, 16)}</span>… (check it against the head <span class="mono">fangs serve</span> logged with <span class="mono">fangs audit verify -anchor</span>).</p>;
  }
  const b = r.broken!;
  return <p id="audit-chain" class="chain-broken sev-critical">Hash chain BROKEN at row {b.seq}{b.id ? <> (id <span class="mono">{b.id}</span>)</> : null}: {b.reason}. {r.rows} rows verified before it.</p>;
}

export function AuditPage(p: { rows: AuditRow[]; chain: ChainReport; filter: { target_kind?: string; target_id?: string }; signedIn?: boolean }) {
  return (
    <Layout title="Audit log" active="/ui/audit" signedIn={p.signedIn}>
      <h1>Audit log <span class="muted">(newest {p.rows.length})</span></h1>
      <ChainLine r={p.chain} />
      <form method="get" action="/ui/audit" class="filters">
        <label>Target kind{" "}
          <select name="target_kind">
            <option value="">any</option>
            {AUDIT_TARGETS.map((k) => <option value={k} selected={p.filter.target_kind === k}>{k}</option>)}
          </select>
        </label>
        <label>Target id <input name="target_id" value={p.filter.target_id ?? ""} placeholder="any" /></label>
        <button type="submit">Filter</button>
      </form>
      <table class="grid" id="audit">
        <thead><tr><th>When</th><th>Actor</th><th>Action</th><th>Target</th><th>Before</th><th>After</th></tr></thead>
        <tbody>
          {p.rows.map((a) => (
            <tr>
              <td><Time ms={a.at} /></td>
              <td class="mono">{a.actor}</td>
              <td class="mono">{a.action}</td>
              <td class="mono">{a.target_kind} {a.target_id}</td>
              <td class="mono clip" title={show(a.before)}>{show(a.before)}</td>
              <td class="mono clip" title={show(a.after)}>{show(a.after)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}
