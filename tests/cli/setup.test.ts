// scripts/setup on a fresh machine: every network step that fails says which
// step, what it ran and what to do, then stops (nothing half-recorded). Run
// from a copy of the script with the network tools shimmed on PATH to fail
// the way an unreachable mirror or registry does.
import { expect, test } from "bun:test";
import { chmodSync, cpSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO, tempDir } from "../lib/env.ts";

function sandboxRepo(shims: Record<string, string>): { dir: string; env: Record<string, string> } {
  const dir = tempDir("fangs-setup-");
  mkdirSync(join(dir, "scripts"));
  cpSync(join(REPO, "scripts/setup"), join(dir, "scripts/setup"));
  cpSync(join(REPO, "package-lock.json"), join(dir, "package-lock.json"));
  const bin = join(dir, "bin");
  mkdirSync(bin);
  for (const [name, body] of Object.entries(shims)) {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  return { dir, env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } as Record<string, string> };
}

function setup(s: { dir: string; env: Record<string, string> }) {
  const p = Bun.spawnSync(["bash", join(s.dir, "scripts/setup")], { env: s.env, stdout: "pipe", stderr: "pipe" });
  return { code: p.exitCode, stderr: p.stderr.toString() };
}

test("an unreachable Debian mirror: the apt-get update step is named with its command and the fix", () => {
  const s = sandboxRepo({
    "dpkg-query": "exit 1", // every package looks missing
    "apt-get": 'echo "E: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease  Could not resolve host" >&2; exit 100',
  });
  const r = setup(s);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("setup: apt-update failed: 'apt-get update' exited non-zero. Check the Debian mirror");
  expect(r.stderr).toContain("  | E: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease");
  expect(r.stderr).not.toContain("setup: ok");
});

test("a package the mirror cannot serve: the install step names the packages it tried", () => {
  const s = sandboxRepo({
    "dpkg-query": 'case "$*" in *libbpf1*) exit 1;; *) echo "install ok installed";; esac',
    "apt-get": 'case "$1" in update) exit 0;; *) echo "E: Unable to locate package libbpf1" >&2; exit 100;; esac',
  });
  const r = setup(s);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("setup: installing Debian packages: libbpf1");
  expect(r.stderr).toMatch(/setup: apt-install failed: 'apt-get install -y --no-install-recommends libbpf1' exited non-zero\. .*re-run scripts\/setup/);
  expect(r.stderr).toContain("  | E: Unable to locate package libbpf1");
});

test("an unreachable npm registry: npm ci is named, and no lock hash is recorded", () => {
  const s = sandboxRepo({
    "dpkg-query": 'echo "install ok installed"',
    npm: 'echo "npm error code ECONNREFUSED" >&2; exit 1',
  });
  const r = setup(s);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("setup: npm-ci failed: 'npm ci --no-audit --no-fund --loglevel=error' exited non-zero. Check that the npm registry is reachable");
  expect(r.stderr).toContain("  | npm error code ECONNREFUSED");
  expect(existsSync(join(s.dir, "node_modules/.fangs-lock-hash"))).toBe(false);
});
