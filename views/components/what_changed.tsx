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

export function WhatChanged(p: { d: RunDiffJson }) {
  const r = p.d;
  if (r.state !== "diffed" || !r.diff) {
    return (
      <section id="what-changed">
        <h2>What changed</h2>
        <p class="muted">{r.state === "pending" ? "The install manifest is stored; the release diff is computed when the run ends." : "No install manifest for this run (an older runner, or the collector failed: see the runner's log)."}</p>
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
                <td class="mono">{x.name}</td>
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
