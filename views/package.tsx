// /ui/packages/:name — one package: its runs, releases and baseline.
import type { Run, BaselineFingerprint, Package } from "../src/store/schema.ts";
import type { ReleaseRow } from "../src/store/releases.ts";
import { Layout } from "./layout.tsx";
import { Num, RunLink, Sev, Status, Time } from "./components/format.tsx";
import { parseSettings } from "../src/protocol/package_settings.ts";

export function PackagePage(p: { name: string; pkg?: Package; registry?: string; sources?: string[]; runs: Run[]; releases: ReleaseRow[]; baseline: BaselineFingerprint[]; signedIn?: boolean }) {
  const k = p.pkg;
  const s = k ? parseSettings(k.settings) : {};
  return (
    <Layout title={p.name} active="/ui/packages" signedIn={p.signedIn}>
      <h1 class="mono">{p.name}</h1>
      <p id="package-watch">
        {k?.watched ? <span class="tag">watched</span> : <span class="muted">not watched (scanned on request)</span>}
        {k?.last_seen_version ? <span> · last seen <span class="mono">{k.last_seen_version}</span></span> : null}
        {k?.last_polled_at ? <span> · polled <Time ms={k.last_polled_at} /></span> : null}
        {k?.poll_error ? <span class="error"> · poll error: {k.poll_error}</span> : null}
      </p>
      {k?.watched ? (
        <p id="package-settings">
          polled on and installed from <span class="mono">{p.registry}</span>
          {s.network ? <span> · network <span class="mono">{s.network}</span></span> : null}
          {s.duration_s !== undefined ? <span> · duration <span class="mono">{s.duration_s}s</span></span> : null}
          {s.memory_mb !== undefined ? <span> · memory <span class="mono">{s.memory_mb} MB</span></span> : null}
          {s.scan_every_release ? <span> · <span class="tag">every release scanned</span></span> : null}
          {p.sources?.length ? <span> · from <span class="mono">{p.sources.join(", ")}</span></span> : null}
        </p>
      ) : null}
      <h2>Runs <span class="muted">({p.runs.length})</span></h2>
      <table class="grid" id="package-runs">
        <thead><tr><th>Run</th><th>Version</th><th>Status</th><th>Verdict</th><th>Deviations</th><th>Baseline</th><th>Created</th></tr></thead>
        <tbody>
          {p.runs.map((r) => (
            <tr>
              <td><RunLink id={r.id} /></td>
              <td class="mono">{r.version}</td>
              <td><Status status={r.status} /></td>
              <td class="mono">{r.verdict ?? "—"}</td>
              <td><Num n={Number(r.deviation_count)} warn /> <Sev s={r.max_severity} /></td>
              <td>{r.is_baseline ? "yes" : ""}</td>
              <td><Time ms={r.created_at} /></td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Releases <span class="muted">({p.releases.length})</span></h2>
      <table class="grid" id="releases">
        <thead><tr><th>Version</th><th>Discovered</th><th>Source</th><th>Runs</th><th>Last run</th></tr></thead>
        <tbody>
          {p.releases.map((r) => (
            <tr>
              <td class="mono">{r.version}</td>
              <td><Time ms={r.discovered_at} /></td>
              <td class="mono">{r.source}</td>
              <td class="num">{r.runs}</td>
              <td>{r.last_run_id ? <RunLink id={r.last_run_id} /> : <span class="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Baseline fingerprints <span class="muted">({p.baseline.length})</span></h2>
      <table class="grid" id="baseline">
        <thead><tr><th>Category</th><th>Actor</th><th>Value</th><th>Seen</th><th>First run</th><th>Last seen</th></tr></thead>
        <tbody>
          {p.baseline.map((b) => (
            <tr>
              <td class="mono">{b.category}</td>
              <td class="mono">{b.actor}</td>
              <td class="mono clip" title={b.value}>{b.value}</td>
              <td class="num">{Number(b.occurrence_count)}×</td>
              <td><RunLink id={b.first_seen_run} /></td>
              <td><Time ms={b.last_seen_at} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}
