// Builds dist/fangs: the BPF object (bpf/), the native shim (native/), then one
// `bun build --compile` executable embedding them, the migrations and the UI
// assets. The executable must never read a stray .env or bunfig.toml at run
// time, hence the two --no-compile-autoload flags.
import { existsSync, renameSync } from "node:fs";
import { $ } from "bun";

const root = import.meta.dir;
$.cwd(root);

async function step(name: string, fn: () => Promise<unknown>, hint?: string): Promise<void> {
  const t = performance.now();
  process.stderr.write(`build: ${name}…\n`);
  try {
    await fn();
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    process.stderr.write(`build: ${name} failed: ${err.stderr?.toString().trim() || err.message}\n`);
    if (hint) process.stderr.write(`build: ${hint}\n`);
    process.exit(1);
  }
  process.stderr.write(`build: ${name} done in ${((performance.now() - t) / 1000).toFixed(1)}s\n`);
}

if (existsSync(`${root}/bpf/Makefile`)) await step("bpf object", () => $`make -s -C bpf`.quiet(), "needs clang, llvm, bpftool and libbpf-dev: run scripts/setup");
if (existsSync(`${root}/native/Makefile`)) await step("native shim", () => $`make -s -C native`.quiet(), "needs gcc and libbpf-dev (headers, link name): run scripts/setup");
if (existsSync(`${root}/views/client/build.ts`)) await step("client bundles", () => $`bun run views/client/build.ts`.quiet());
// Build to a temporary name and rename: a test may be executing dist/fangs
// while another build runs, and rename(2) swaps it atomically.
const tmp = `dist/.fangs-${process.pid}`;
await step("executable", async () => {
  await $`bun build --compile --minify-syntax --no-compile-autoload-dotenv --no-compile-autoload-bunfig src/main.ts --outfile ${tmp}`.quiet();
  renameSync(`${root}/${tmp}`, `${root}/dist/fangs`);
});
