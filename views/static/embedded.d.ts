// Text embedded by views/static/assets.ts (`with { type: "text" }`).
declare module "*.css" { const text: string; export default text; }
declare module "*.bundle.js" { const text: string; export default text; }
declare module "htmx.org/dist/htmx.min.js" { const text: string; export default text; }
declare module "*.svg" { const text: string; export default text; }
