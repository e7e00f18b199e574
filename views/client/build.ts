// Bundles the client-side views for the browser. The output is committed next
// to the source and embedded by views/static/assets.ts as text, so the server
// code (and its tests) never need a build step to import it; build.ts reruns
// this on every build, so the bundle cannot go stale in a release.
const root = import.meta.dir;
const out = await Bun.build({
  entrypoints: [`${root}/lineage.tsx`],
  target: "browser",
  format: "iife", // a classic <script defer>: no module exports left in the bundle
  minify: true,
  tsconfig: `${root}/tsconfig.json`,
});
if (!out.success) {
  for (const m of out.logs) console.error(m);
  process.exit(1);
}
const text = await out.outputs[0].text();
const dest = `${root}/lineage.bundle.js`;
const before = await Bun.file(dest).text().catch(() => "");
if (before !== text) await Bun.write(dest, text);
console.error(`views/client: lineage.bundle.js ${text.length} bytes${before === text ? " (unchanged)" : ""}`);
