// /ui/runs/:id — one run: what happened to it and what it did differently.
// "→ evidence" and "→ lineage" load into the row under each deviation.
import type { Run, Deviation } from "../src/store/schema.ts";
import { Layout } from "./layout.tsx";
import { rescanCommand } from "../src/store/pending.ts";
import { Num, PkgLink, Sev, Status, Time, exitMeaning, runHref } from "./components/format.tsx";
import { WhatChanged } from "./components/what_changed.tsx";
import type { RunDiffJson } from "../src/releasediff/json.ts";
import type { Outlived as OutlivedProc } from "../src/differ/outlived.ts";

const LIVE = new Set(["queued", "running"]);

/**
 * The run's facts. While the run is queued or running the section polls
 * GET /ui/runs/:id/live, which answers with this same section (still
 * polling) or, once the run is done, with HX-Refresh so the page reloads
 * with its deviations.
 */
export function RunFacts(p: { run: Run }) {
  const live = LIVE.has(p.run.status);
  const poll = live ? { "hx-get": `${runHref(p.run.id)}/live`, "hx-trigger": "every 3s", "hx-swap": "outerHTML" } : {};
  return (
    <section id="run-facts-live" class={live ? "live" : undefined} {...poll}>
      <Facts run={p.run} />
      {live ? <p class="muted">This run is {p.run.status}: the page follows it.</p> : null}
    </section>
  );
}

function issueList(text: string | null) {
  let issues: unknown = [];
  try { issues = JSON.parse(text ?? "[]"); } catch { /* shown as none */ }
  return Array.isArray(issues) && issues.length ? <ul>{issues.map((i) => <li>{String(i)}</li>)}</ul> : null;
}

function Facts(p: { run: Run }) {
  const r = p.run;
  const meaning = exitMeaning(r.exit_code, r.status);
  const row = (k: string, v: unknown) => <tr><th>{k}</th><td>{v as never}</td></tr>;
  return (
    <table class="facts" id="run-facts">
      <tbody>
        {row("Package", <span><PkgLink name={r.package} /> <span class="mono">{r.version}</span></span>)}
        {row("Status", <span><Status status={r.status} /> {r.verdict ? <span class="mono">verdict {r.verdict}</span> : null} {r.is_baseline ? <span class="tag">on baseline</span> : null}</span>)}
        {row("Exit code", <span id="exit-code"><span class="mono">{r.exit_code ?? "—"}</span> {meaning ? <span class="warn-text">{meaning}</span> : null}</span>)}
        {r.failure_reason ? row("Failure", <span class="mono">{r.failure_reason}</span>) : null}
        {row("Events", <span><Num n={Number(r.events_count)} /> stored{r.events_emitted !== null ? <span> of <Num n={Number(r.events_emitted)} /> emitted</span> : null}, <span id="events-dropped"><Num n={Number(r.events_dropped)} warn /> dropped</span>, <Num n={Number(r.batch_send_errors)} warn /> batch send errors</span>)}
        {row("Losses", <span id="evidence-losses" class="mono">ring buffer <Num n={Number(r.drops_ringbuf)} warn /> · unreadable <Num n={Number(r.drops_read)} warn /> · decode <Num n={Number(r.drops_decode)} warn /> · unrouted <Num n={Number(r.drops_unrouted)} warn /> · unacknowledged <Num n={Number(r.events_unacked)} warn /></span>)}
        {r.verdict === "incomplete" ? row("Evidence", <div id="evidence-incomplete" class="warn-text">incomplete — this verdict is not trusted (no baseline change, not promoted){issueList(r.evidence_issues)}<div>Re-scan: <code class="copy">{rescanCommand(r.package, r.version)}</code></div></div>) : null}
        {row("Runner", <span class="mono">{r.runner_id ?? r.runner_target ?? "—"}</span>)}
        {row("Created", <Time ms={r.created_at} />)}
        {row("Claimed", <Time ms={r.claimed_at} />)}
        {row("Finished", <Time ms={r.finished_at} />)}
      </tbody>
    </table>
  );
}

function DeviationRows(p: { d: Deviation }) {
  const d = p.d;
  const id = encodeURIComponent(d.id);
  const body = `dbody-${d.id}`;
  return (
    <>
      <tr id={`dev-${d.id}`} class={d.cleared ? "cleared" : undefined}>
        <td><Sev s={d.severity} /></td>
        <td class="mono phase">{d.phase ?? "install"}</td>
        <td class="mono">{d.category}</td>
        <td class="mono">{d.actor}</td>
        <td class="mono clip" title={d.value}>{d.value}</td>
        <td>{d.reason}</td>
        <td>{d.cleared ? <span class="muted" title={`cleared by ${d.cleared_by ?? "?"}${d.cleared_at ? ` at ${new Date(Number(d.cleared_at)).toISOString()}` : ""}`}>cleared</span> : "open"}</td>
        <td class="actions">
          <button class="link" hx-get={`/ui/deviations/${id}/evidence`} hx-target={`#${body}`}>→ evidence</button>{" "}
          <button class="link" hx-get={`/ui/deviations/${id}/lineage`} hx-target={`#${body}`}>→ lineage</button>
        </td>
      </tr>
      <tr class="detail"><td colspan={8}><div id={body}></div></td></tr>
    </>
  );
}

/** What the install (or the import) left running, each with who made it (differ/outlived.ts). */
function Outlived(p: { run: Run }) {
  let list: OutlivedProc[] = [];
  try { list = JSON.parse(p.run.outlived ?? "[]"); } catch { /* shown as none */ }
  if (!Array.isArray(list) || !list.length) return null;
  const cmd = (exe: string, argv: string[]) => [exe, ...argv.slice(1)].join(" ");
  return (
    <>
      <h2>Outlived <span class="muted">({list.length}: still running after npm, or the import loader, exited)</span></h2>
      <table class="grid" id="outlived">
        <thead><tr><th>Phase</th><th>PID</th><th>After</th><th>End</th><th>Actor</th><th>Program</th><th>Made by</th></tr></thead>
        <tbody>{list.map((o) => (
          <tr>
            <td class="mono">{o.phase}</td>
            <td class="mono">{o.pid}</td>
            <td class="mono">+{(o.after_ms / 1000).toFixed(1)}s</td>
            <td class="mono">{o.signal ? `signal ${o.signal}` : `exit ${o.exit_code}`}</td>
            <td class="mono">{o.actor}</td>
            <td class="mono clip" title={cmd(o.exe, o.argv)}>{cmd(o.exe, o.argv)}</td>
            <td class="mono">{o.lineage.map((l) => cmd(l.exe, l.argv).slice(0, 120)).join("  ←  ")}</td>
          </tr>
        ))}</tbody>
      </table>
    </>
  );
}

export function RunPage(p: { run: Run; devs: Deviation[]; signedIn?: boolean; diff?: RunDiffJson }) {
  const r = p.run;
  return (
    <Layout title={`Run ${r.id.slice(0, 12)}`} signedIn={p.signedIn}>
      <h1>Run <span class="mono">{r.id}</span></h1>
      <RunFacts run={r} />
      <p>
        <a href={`${runHref(r.id)}/events`}>All events of this run →</a>{" · "}
        <a href={`/ui/audit?target_kind=run&target_id=${encodeURIComponent(r.id)}`}>Audit trail →</a>
      </p>
      {r.verdict === "seeded_with_findings" ? (
        <p class="warn-text" id="held-seed">
          First run of this package, held: the findings below were judged by absolute rules (there was no baseline to compare with).
          Its behaviour is the baseline later runs are compared with, but the baseline is trusted only once you promote a run
          {r.is_baseline === 1 ? " — this one has been promoted." : ` (fangs baseline promote ${r.id.slice(0, 12)}).`}
        </p>
      ) : null}
      <h2>Deviations <span class="muted">({p.devs.length})</span></h2>
      {p.devs.length === 0 ? (
        <p class="muted">{r.verdict === "no-install-code" ? "No sandbox: nothing in this release's installed closure runs install code (recorded by the watcher; fangs scan submit runs it anyway)." : <>No deviations{r.verdict === "seeded" ? ": this run seeded the baseline." : r.verdict === "incomplete" ? " in what was captured (the evidence is incomplete)." : "."}</>}</p>
      ) : (
        <table class="grid" id="deviations">
          <thead><tr><th>Severity</th><th>Phase</th><th>Category</th><th>Actor</th><th>Value</th><th>Reason</th><th>State</th><th></th></tr></thead>
          <tbody>{p.devs.map((d) => <DeviationRows d={d} />)}</tbody>
        </table>
      )}
      <Outlived run={r} />
      {p.diff ? <WhatChanged d={p.diff} ended={!LIVE.has(r.status)} /> : null}
    </Layout>
  );
}

/** The evidence fragment: the full event JSON, as text. */
export function Evidence(p: { d: Deviation; event: unknown }) {
  return (
    <div class="evidence">
      <div class="muted">Evidence event #{Number(p.d.evidence_seq)} for {p.d.category}</div>
      {p.event === null ? <p class="error">The evidence event is no longer stored.</p> : <pre class="json">{JSON.stringify(p.event, null, 2)}</pre>}
    </div>
  );
}

/** Where the client-side lineage view mounts (views/client/lineage.tsx). */
export function LineageMount(p: { d: Deviation }) {
  return (
    <div class="lineage" data-run={p.d.run_id} data-deviation={p.d.id} data-seq={String(Number(p.d.evidence_seq))}>
      <span class="muted">loading process lineage…</span>
    </div>
  );
}
