// Real install manifests on the host: the fixture registry's server.js on a
// loopback port, and collector.cjs running a real `npm install
// --ignore-scripts` against it (own cache dir, never a public host).
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { REPO, tempDir } from "../lib/env.ts";
import { parseManifest } from "../../src/manifest/collect.ts";
import type { InstallManifest } from "../../src/protocol/manifest.ts";

export const COLLECTOR = join(REPO, "src/manifest/collector.cjs");

export interface HostRegistry { url: string; root: string; proc: Subprocess; stop(): void }

/** server.js (as .cjs: the repo is an ES module package) over `root`. */
export async function startHostRegistry(root: string): Promise<HostRegistry> {
  const dir = tempDir("fangs-manifest-reg-");
  cpSync(join(REPO, "tests/fixtures/registry/server.js"), join(dir, "server.cjs"));
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 30000);
    const proc = Bun.spawn(["node", join(dir, "server.cjs"), root, String(port)], { stdout: "pipe", stderr: "pipe" });
    const reader = proc.stdout.getReader();
    const first = await Promise.race([reader.read(), Bun.sleep(5000).then(() => null)]);
    const line = first && !first.done ? new TextDecoder().decode(first.value) : "";
    if (line.includes("listening")) {
      reader.releaseLock();
      return { url: `http://127.0.0.1:${port}/`, root, proc, stop: () => proc.kill() };
    }
    proc.kill();
  }
  throw new Error("fake registry did not start on a loopback port");
}

/** A registry root holding copies of the named fixture packages (plus extra dirs). */
export function registryRoot(names: string[], extra: Record<string, Record<string, string>> = {}): string {
  const root = tempDir("fangs-manifest-pkgs-");
  for (const n of names) cpSync(join(REPO, "tests/fixtures/packages", n), join(root, n), { recursive: true });
  for (const [rel, files] of Object.entries(extra)) {
    for (const [f, body] of Object.entries(files)) {
      mkdirSync(join(root, rel, f, ".."), { recursive: true });
      writeFileSync(join(root, rel, f), body);
    }
  }
  return root;
}

export interface Collected { manifest: InstallManifest; dir: string; ms: number; bytes: number }

/** Run the collector on the host exactly as the manifest container does. */
export async function collectOnHost(reg: HostRegistry, pkg: string, version: string): Promise<Collected> {
  const dir = tempDir("fangs-manifest-inst-");
  const out = join(dir, "manifest.json");
  const t0 = performance.now();
  const p = Bun.spawn(["node", COLLECTOR, pkg, version, reg.url, out, dir], {
    env: { ...process.env, npm_config_cache: join(dir, ".npm-cache"), npm_config_update_notifier: "false", npm_config_fetch_retries: "0" },
    stdout: "pipe", stderr: "pipe",
  });
  const code = await p.exited;
  const ms = performance.now() - t0;
  if (code !== 0 || !existsSync(out)) throw new Error(`collector exited ${code}: ${await new Response(p.stderr).text()}`);
  const text = readFileSync(out, "utf8");
  return { manifest: parseManifest(text), dir, ms, bytes: text.length };
}
