// One allowlist entry. Config-managed (`cfg…`) entries are read-only here:
// they come from config/orchestrator.yaml and are re-synced at start.
import type { AllowEntry } from "../../src/store/schema.ts";
import { PkgLink, Time } from "./format.tsx";

export function AllowRow(p: { e: AllowEntry; removed?: boolean; error?: string }) {
  const e = p.e;
  return (
    <tr id={`allow-${e.id}`} class={p.removed ? "allow-row removed" : "allow-row"}>
      <td class="mono">{e.id.slice(0, 12)}</td>
      <td class="mono">{e.kind}</td>
      <td class="mono">{e.value}</td>
      <td>{e.package ? <PkgLink name={e.package} /> : <span class="muted">global</span>}</td>
      <td>{e.note ?? ""}</td>
      <td class="mono">{e.source}</td>
      <td><Time ms={e.created_at} /></td>
      <td class="actions">
        {p.removed ? (
          <span class="promoted">removed</span>
        ) : e.source === "config" ? (
          <span class="muted" title="managed by config/orchestrator.yaml">read-only</span>
        ) : (
          <button class="link danger" hx-post={`/ui/allowlist/${encodeURIComponent(e.id)}/remove`} hx-target="closest tr" hx-swap="outerHTML">remove</button>
        )}
        {p.error ? <span class="error"> {p.error}</span> : null}
      </td>
    </tr>
  );
}
