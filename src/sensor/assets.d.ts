// Embedded build artifacts (`with { type: "file" }` yields a path).
declare module "*.so" { const path: string; export default path; }
declare module "*.bpf.o" { const path: string; export default path; }
