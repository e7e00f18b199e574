// /ui/ — the manual's overview: the numbers, the runner pool, recent activity.
import type { Run, Deviation } from "../src/store/schema.ts";
import type { runnerJson } from "../src/protocol/api.ts";
import type { OverviewNumbers as Numbers } from "../src/store/overview.ts";
import { Layout } from "./layout.tsx";
import { Num, PkgLink, RunLink, Sev, Status, Time } from "./components/format.tsx";

type PoolRunner = ReturnType<typeof runnerJson>;

function Stat(p: { id: string; label: string; a: number; b: number; of: string; warn?: boolean }) {
  return (
    <div class="stat" id={p.id}>
      <div class="stat-label">{p.label}</div>
      <div class="stat-value">
        <Num n={p.a} warn={p.warn} /> <span class="muted">/ {p.b} {p.of}</span>
      </div>
    </div>
  );
}

export function OverviewPage(p: { n: Numbers; runners: PoolRunner[]; runs: Run[]; devs: Deviation[]; signedIn?: boolean }) {
  const { n } = p;
  return (
    <Layout title="Overview" active="/ui/" signedIn={p.signedIn}>
      <h1>Overview</h1>
      <section class="stats">
        <Stat id="stat-packages" label="Packages watched" a={n.packages_watched} b={n.packages_tracked} of="ever tracked" />
        <Stat id="stat-runs" label="Runs" a={n.runs_total} b={n.runs_on_baseline} of="on baseline" />
        <Stat id="stat-deviations" label="Open deviations" a={n.deviations_open} b={n.packages_affected} of="packages affected" warn />
        <div class="stat" id="stat-no-install-code">
          <div class="stat-label">Releases without install code (no sandbox)</div>
          <div class="stat-value"><Num n={n.releases_no_install_code} /></div>
        </div>
        <div class="stat" id="stat-dropped">
          <div class="stat-label">Events dropped (lifetime)</div>
          <div class="stat-value"><Num n={n.events_dropped_lifetime} warn /></div>
        </div>
      </section>

      <h2>Runner pool</h2>
      {p.runners.length === 0 ? (
        <p class="muted">No runners registered. Start a fangs runner; scans stay queued until one claims them.</p>
      ) : (
        <table class="grid" id="runners">
          <thead><tr><th>Runner</th><th>Host</th><th>Version</th><th>Heartbeat</th><th>Active run</th></tr></thead>
          <tbody>
            {p.runners.map((r) => (
              <tr>
                <td class="mono">{r.id}</td>
                <td class="mono">{r.hostname}</td>
                <td class="mono">{r.version ?? "—"}</td>
                <td>
                  <span class={r.alive ? "fresh" : "stale"} title={String(r.last_heartbeat_at)}>{r.alive ? "fresh" : "stale"}</span>{" "}
                  <span class="muted">{r.heartbeat_age_s}s ago</span>
                </td>
                <td>{r.active_run_id ? <RunLink id={r.active_run_id} /> : <span class="muted">idle</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <div class="cols">
        <section>
          <h2>Recent runs</h2>
          <table class="grid" id="recent-runs">
            <thead><tr><th>Run</th><th>Package</th><th>Version</th><th>Status</th><th>Deviations</th><th>Created</th></tr></thead>
            <tbody>
              {p.runs.map((r) => (
                <tr>
                  <td><RunLink id={r.id} /></td>
                  <td><PkgLink name={r.package} /></td>
                  <td class="mono">{r.version}</td>
                  <td><Status status={r.status} /></td>
                  <td><Num n={Number(r.deviation_count)} warn /> <Sev s={r.max_severity} /></td>
                  <td><Time ms={r.created_at} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section>
          <h2>Recent deviations</h2>
          <table class="grid" id="recent-deviations">
            <thead><tr><th>Severity</th><th>Package</th><th>Category</th><th>Value</th><th>Run</th><th>Detected</th></tr></thead>
            <tbody>
              {p.devs.map((d) => (
                <tr>
                  <td><Sev s={d.severity} /></td>
                  <td><PkgLink name={d.package} /></td>
                  <td class="mono">{d.category}</td>
                  <td class="mono clip" title={d.value}>{d.value}</td>
                  <td><RunLink id={d.run_id} /></td>
                  <td><Time ms={d.detected_at} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
    </Layout>
  );
}
