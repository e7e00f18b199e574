// /ui/packages — every package FANGS watches or has scanned.
import type { listTrackedPackages as packagesList } from "../src/store/packages.ts";
import { Layout } from "./layout.tsx";
import { PkgLink, Time } from "./components/format.tsx";

type Pkg = Awaited<ReturnType<typeof packagesList>>[number];

export function PackagesPage(p: { pkgs: Pkg[]; open: Map<string, number>; signedIn?: boolean }) {
  return (
    <Layout title="Packages" active="/ui/packages" signedIn={p.signedIn}>
      <h1>Packages <span class="muted">({p.pkgs.length})</span></h1>
      <table class="grid" id="packages">
        <thead><tr><th>Package</th><th>Watched</th><th>Last seen version</th><th>Runs</th><th>Open deviations</th><th>Last run</th><th>Last polled</th><th>Poll error</th></tr></thead>
        <tbody>
          {p.pkgs.map((k) => (
            <tr>
              <td><PkgLink name={k.name} /></td>
              <td>{k.watched ? "yes" : <span class="muted">no</span>}</td>
              <td class="mono">{k.last_seen_version ?? "—"}</td>
              <td class="num">{k.runs}</td>
              <td class="num">{p.open.get(k.name) ?? 0}</td>
              <td><Time ms={k.last_run_at} /></td>
              <td><Time ms={k.last_polled_at} /></td>
              <td class="mono error">{k.poll_error ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}
