// The UI's static files, embedded in the executable as text and served from
// /ui/static/<name>.<hash>.<ext>: the hash in the URL lets browsers cache them
// for a year, and a new build gets new URLs.
import css from "./fangs.css" with { type: "text" };
import htmx from "htmx.org/dist/htmx.min.js" with { type: "text" };
import lineage from "../client/lineage.bundle.js" with { type: "text" };
import icon from "./favicon.svg" with { type: "text" };

export interface Asset { url: string; body: string; type: string }

function asset(name: string, ext: string, body: string, type: string): Asset {
  const hash = new Bun.CryptoHasher("sha256").update(body).digest("hex").slice(0, 12);
  return { url: `/ui/static/${name}.${hash}.${ext}`, body, type };
}

export const ASSETS = {
  css: asset("fangs", "css", css, "text/css; charset=utf-8"),
  htmx: asset("htmx", "js", htmx, "text/javascript; charset=utf-8"),
  lineage: asset("lineage", "js", lineage, "text/javascript; charset=utf-8"),
  icon: asset("favicon", "svg", icon, "image/svg+xml"),
} as const;

const byUrl = new Map(Object.values(ASSETS).map((a) => [a.url, a]));
export const assetAt = (path: string): Asset | undefined => byUrl.get(path);
