// /ui/allowlist — suppress known-benign behaviour before it becomes a deviation.
import type { AllowEntry } from "../src/store/schema.ts";
import { ALLOW_EXAMPLES } from "../src/differ/allow.ts";
import { Layout } from "./layout.tsx";
import { AllowRow } from "./components/allow_row.tsx";

export function AllowForm(p: { error?: string; values?: Record<string, string> }) {
  const v = p.values ?? {};
  return (
    <form id="allow-form" class="filters" hx-post="/ui/allowlist" hx-target="#allow-section" hx-swap="outerHTML">
      <label>Kind{" "}
        <select name="kind">
          {["cidr", "path", "sni"].map((k) => <option value={k} selected={v.kind === k}>{k}</option>)}
        </select>
      </label>
      <label>Value <input name="value" required value={v.value ?? ""} placeholder={`${ALLOW_EXAMPLES.cidr}, ${ALLOW_EXAMPLES.path}, ${ALLOW_EXAMPLES.sni}`} title="path: glob over the normalized path (** any depth, * within a segment, trailing / = the directory and below); sni: a name and its subdomains, *.name = subdomains only" /></label>
      <label>Package <input name="package" value={v.package ?? ""} placeholder="global" /></label>
      <label>Note <input name="note" value={v.note ?? ""} /></label>
      <button type="submit">Add</button>
      {p.error ? <div class="error" id="allow-error">{p.error}</div> : null}
    </form>
  );
}

/** Form + table: what the add endpoint returns, so a new entry shows in place. */
export function AllowSection(p: { entries: AllowEntry[]; error?: string; values?: Record<string, string> }) {
  return (
    <section id="allow-section">
      <AllowForm error={p.error} values={p.values} />
      <table class="grid" id="allowlist">
        <thead><tr><th>ID</th><th>Kind</th><th>Value</th><th>Package</th><th>Note</th><th>Source</th><th>Added</th><th></th></tr></thead>
        <tbody id="allow-rows">{p.entries.map((e) => <AllowRow e={e} />)}</tbody>
      </table>
      {p.entries.length === 0 ? <p class="muted">No entries. Config-managed ones come from config/orchestrator.yaml and show here read-only.</p> : null}
    </section>
  );
}

export function AllowlistPage(p: { entries: AllowEntry[]; signedIn?: boolean }) {
  return (
    <Layout title="Allowlist" active="/ui/allowlist" signedIn={p.signedIn}>
      <h1>Allowlist</h1>
      <AllowSection entries={p.entries} />
    </Layout>
  );
}
