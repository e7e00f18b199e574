// The page frame: navigation, the one stylesheet, htmx and the lineage bundle.
// No inline script or style anywhere (the CSP forbids them); htmx's own
// indicator stylesheet is turned off for the same reason.
import type { Child } from "hono/jsx";
import { ASSETS } from "./static/assets.ts";

const NAV: Array<[string, string]> = [
  ["/ui/", "Overview"],
  ["/ui/pending", "Pending"],
  ["/ui/packages", "Packages"],
  ["/ui/allowlist", "Allowlist"],
  ["/ui/notifiers", "Notifiers"],
  ["/ui/audit", "Audit"],
];

export function Layout(p: { title: string; active?: string; signedIn?: boolean; children?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content='{"includeIndicatorCSS": false}' />
        <title>{`${p.title} · FANGS`}</title>
        <link rel="icon" href={ASSETS.icon.url} type="image/svg+xml" />
        <link rel="stylesheet" href={ASSETS.css.url} />
        <script src={ASSETS.htmx.url} defer></script>
        <script src={ASSETS.lineage.url} defer></script>
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/ui/">FANGS</a>
          <nav>
            {NAV.map(([href, label]) => (
              <a href={href} class={p.active === href ? "on" : undefined}>{label}</a>
            ))}
          </nav>
          {p.signedIn ? (
            <form method="post" action="/ui/logout" class="signout">
              <button type="submit" class="link">sign out</button>
            </form>
          ) : null}
        </header>
        <main>{p.children}</main>
      </body>
    </html>
  );
}

export function ErrorPage(p: { status: number; message: string; hint?: string }) {
  return (
    <Layout title={`Error ${p.status}`}>
      <h1>Error {p.status}</h1>
      <p class="error">{p.message}</p>
      {p.hint ? <p class="muted">Try: {p.hint}</p> : null}
    </Layout>
  );
}
