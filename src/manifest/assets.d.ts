// The manifest collector is embedded as text (`with { type: "text" }`) and run by the image's node.
declare module "*.cjs" { const text: string; export default text; }
