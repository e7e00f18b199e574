// One row of the triage queue. The page renders it, and the promote endpoints
// return it re-rendered (confirm step, promoted, or refused) for htmx to swap
// in place of the old row: the same component on both paths.
import type { PendingRow as Row } from "../../src/store/pending.ts";
import { PkgLink, RunLink, Sev, Time, short } from "./format.tsx";

export type RowState = { kind: "open" } | { kind: "confirm" } | { kind: "promoted"; merged: number; cleared: number } | { kind: "error"; message: string };

export const pendingRowId = (runId: string) => `pending-${runId}`;

function Actions(p: { row: Row; state: RowState }) {
  const id = encodeURIComponent(p.row.run_id);
  const swap = { "hx-target": "closest tr", "hx-swap": "outerHTML" };
  switch (p.state.kind) {
    case "promoted":
      return <span class="promoted">promoted: {p.state.merged} fingerprints merged, {p.state.cleared} deviations cleared</span>;
    case "confirm":
      return (
        <span class="confirm">
          Promote {short(p.row.run_id)} into the {p.row.package} baseline?{" "}
          <button class="danger" hx-post={`/ui/pending/${id}/promote`} {...swap}>Yes, promote</button>{" "}
          <button class="link" hx-get={`/ui/pending/${id}/row`} {...swap}>cancel</button>
        </span>
      );
    default:
      return (
        <span>
          <button hx-get={`/ui/pending/${id}/confirm`} {...swap}>promote</button>
          {p.state.kind === "error" ? <span class="error"> {p.state.message}</span> : null}
        </span>
      );
  }
}

export function PendingRow(p: { row: Row; state?: RowState }) {
  const state = p.state ?? { kind: "open" };
  const r = p.row;
  return (
    <tr id={pendingRowId(r.run_id)} class={`pending-row state-${state.kind}`}>
      <td><RunLink id={r.run_id} /></td>
      <td><PkgLink name={r.package} /></td>
      <td class="mono">{r.version}</td>
      <td class="num">{r.deviation_count}{r.phases?.includes("import") ? <span class="tag" title="deviations from loading the package (the import phase)"> import</span> : null}</td>
      <td><Sev s={r.max_severity} />{r.incomplete ? <span class="tag warn-text" title={r.issues.join("; ")}> incomplete</span> : null}</td>
      <td><Time ms={r.last_detected_at} /></td>
      <td>
        <code class="copy">{r.promote_command}</code>
        {r.rescan_command ? <div class="incomplete"><span class="muted">evidence incomplete: {r.issues.join("; ")} — re-scan:</span> <code class="copy">{r.rescan_command}</code></div> : null}
      </td>
      <td class="actions"><Actions row={r} state={state} /></td>
    </tr>
  );
}
