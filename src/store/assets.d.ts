// Migrations are imported `with { type: "text" }` (embedded in the executable).
declare module "*.sql" { const text: string; export default text; }
