// The run page's "What changed" section (issue 14): the release diff against
// the baseline release and the causal line of each deviation. Every string
// here (script bodies, file names, diffs) is the attacker's: hono/jsx escapes
// text, nothing is inserted as HTML, and the lists are capped.
import type { RunDiffJson } from "../../src/releasediff/json.ts";

const MAX_ROWS = 200;
const cap = (s: string | null | undefined, n = 200) => (s == null ? "—" : s.length > n ? s.slice(0, n - 1) + "…" : s);

function Diff(p: { text: string }) {
  return p.text ? <details><summary>diff</summary><pre class="json release-diff">{p.text}</pre></details> : null;
}

/** The control re-run beside this run: its comparison, or the button that queues one. */
export function ControlBox(p: { d: RunDiffJson; ended: boolean; queued?: { run_id: string; version: string }; error?: string }) {
  const r = p.d;
  const k = r.control;
  if (r.control_of) return <div id="control-box">{p.error ? <p class="error">{p.error}</p> : null}<p>This run is a control re-run of the baseline release, made beside <a href={`/ui/runs/${encodeURIComponent(r.control_of)}`} class="mono">{r.control_of}</a>.</p></div>;
  return (
    <div id="control-box">
      <h3>Control re-run</h3>
      {p.error ? <p class="error">{p.error}</p> : null}
      {p.queued ? <p>Queued control run <a class="mono" href={`/ui/runs/${encodeURIComponent(p.queued.run_id)}`}>{p.queued.run_id}</a> of {r.package}@{p.queued.version}: reload this page when it has ended.</p> : null}
      {k ? (
        <div id="control-compare">
          <p>Control run <a class="mono" href={`/ui/runs/${encodeURIComponent(k.run_id)}`}>{k.run_id}</a> re-scanned {r.package}@{k.version} on the same runner and spec: {k.status}{k.verdict ? `, verdict ${k.verdict}` : ""}, {k.deviation_count} deviation(s).</p>
          <table class="grid">
            <thead><tr><th>This release's deviations</th><th>Also in the control (environment)</th><th>Only in this release (package)</th><th>Only in the control</th></tr></thead>
            <tbody><tr><td class="num">{k.shared.length + k.only_in_release}</td><td class="num">{k.shared.length}</td><td class="num">{k.only_in_release}</td><td class="num">{k.only_in_control.length}</td></tr></tbody>
          </table>
          {k.shared.length ? <ul>{k.shared.map((x) => <li class="mono">also in control: {x.category} {cap(x.value)} (by {cap(x.actor, 80)})</li>)}</ul> : null}
        </div>
      ) : null}
      {p.ended && !p.queued ? (
        <form hx-post={`/ui/runs/${encodeURIComponent(r.run_id)}/control`} hx-target="#control-box" hx-swap="outerHTML">
          <button type="submit">Re-scan the baseline release now (control)</button> <span class="muted">same runner and spec: tells a changed environment from a changed package</span>
        </form>
      ) : null}
    </div>
  );
}

export function WhatChanged(p: { d: RunDiffJson; ended?: boolean }) {
  const r = p.d;
  if (r.state !== "diffed" || !r.diff) {
    return (
      <section id="what-changed">
        <h2>What changed</h2>
        <p class="muted">{r.state === "pending" ? "The install manifest is stored; the release diff is computed when the run ends." : "No install manifest for this run (an older runner, or the collector failed: see the runner's log)."}</p>
        <ControlBox d={r} ended={!!p.ended} />
      </section>
    );
  }
  const d = r.diff;
  const newDeps = d.deps.filter((x) => x.change === "added");
  return (
    <section id="what-changed">
      <h2>What changed</h2>
      <p id="release-summary">{r.summary}</p>
      {d.notes.map((n) => <p class="muted">{n}</p>)}
      {d.truncated ? <p class="warn-text">A cap was reached: the lists below are partial.</p> : null}
      {d.join.length ? (
        <>
          <h3>Why: the cause of each deviation</h3>
          <ul id="causal-lines">{d.join.slice(0, MAX_ROWS).map((j) => <li class="mono">{cap(j.line, 600)}</li>)}</ul>
        </>
      ) : null}
      <ControlBox d={r} ended={!!p.ended} />
      <h3>Lifecycle scripts <span class="muted">({d.scripts.length})</span></h3>
      {d.scripts.length === 0 ? <p class="muted">No lifecycle script added, removed or changed.</p> : (
        <table class="grid" id="script-changes">
          <thead><tr><th>Package</th><th>Step</th><th>Change</th><th>Before</th><th>After</th></tr></thead>
          <tbody>
            {d.scripts.slice(0, MAX_ROWS).map((s) => (
              <tr>
                <td class="mono">{s.package}{s.version ? `@${s.version}` : ""} {s.new_package ? <span class="tag">new dependency</span> : null}</td>
                <td class="mono">{s.step}{s.implicit ? " (implicit)" : ""}</td>
                <td>{s.change}</td>
                <td class="mono clip" title={cap(s.before, 1000)}>{cap(s.before)}</td>
                <td class="mono clip" title={cap(s.after, 1000)}>{cap(s.after)}<Diff text={s.diff} />{s.files.map((f) => <Diff text={f.diff} />)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Dependencies <span class="muted">({d.deps.length}; {newDeps.length} new)</span></h3>
      {d.deps.length === 0 ? <p class="muted">The installed closure is the baseline release's.</p> : (
        <table class="grid" id="dep-changes">
          <thead><tr><th>Name</th><th>Change</th><th>Before</th><th>After</th><th>Install scripts</th></tr></thead>
          <tbody>
            {d.deps.slice(0, MAX_ROWS).map((x) => (
              <tr>
                <td class="mono" title={cap(`${x.resolved ?? "?"} ${x.integrity ?? ""}`, 1000)}>{x.name}</td>
                <td>{x.change}</td>
                <td class="mono">{x.before.join(", ") || "—"}</td>
                <td class="mono">{x.after.join(", ") || "—"}</td>
                <td>{x.install_scripts ? <span class="tag install-script" title={cap(x.scripts.map((s) => `${s.step}: ${s.command}`).join("\n"), 1000)}>install script</span> : <span class="muted">none</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Files of {r.package} <span class="muted">({d.files.length})</span></h3>
      {d.files.length === 0 ? <p class="muted">No file added, removed or changed.</p> : (
        <table class="grid" id="file-changes">
          <thead><tr><th>Path</th><th>Change</th><th>Size before</th><th>Size after</th></tr></thead>
          <tbody>
            {d.files.slice(0, MAX_ROWS).map((f) => (
              <tr>
                <td class="mono clip" title={cap(f.path, 1000)}>{cap(f.path)}{f.diff ? <Diff text={f.diff} /> : null}</td>
                <td>{f.change}</td>
                <td class="num">{f.size_before ?? "—"}</td>
                <td class="num">{f.size_after ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
