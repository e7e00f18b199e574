import { expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { debianInputs, hostDebianSources, recipeHash, type DebianInputs } from "./image_debian.ts";

test("the host's bookworm apt sources, deb822 and one-line, without disabled stanzas, deb-src or other suites", () => {
  const dir = mkdtempSync(join(tmpdir(), "apt-"));
  try {
    mkdirSync(join(dir, "sources.list.d"));
    writeFileSync(join(dir, "sources.list"), "# comment\ndeb [arch=amd64] http://mirror.corp.example/debian bookworm main contrib\ndeb-src http://mirror.corp.example/debian bookworm main\ndeb http://mirror.corp.example/debian bullseye main\n");
    writeFileSync(join(dir, "sources.list.d/debian.sources"), [
      "Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg",
      "Types: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\nComponents: main",
      "Types: deb\nEnabled: no\nURIs: http://off.example/debian\nSuites: bookworm\nComponents: main",
    ].join("\n\n"));
    writeFileSync(join(dir, "sources.list.d/nodesource.sources"), "Types: deb\nURIs: https://deb.nodesource.example/node_20.x\nSuites: nodistro\nComponents: main\n");
    writeFileSync(join(dir, "sources.list.d/other.list.disabled"), "deb http://ignored.example/debian bookworm main\n");
    expect(hostDebianSources(dir)).toEqual([
      "deb http://mirror.corp.example/debian bookworm main contrib",
      "deb http://deb.debian.org/debian bookworm main",
      "deb http://deb.debian.org/debian bookworm-updates main",
      "deb http://deb.debian.org/debian-security bookworm-security main",
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the recipe hash changes with every input that changes the image", () => {
  const base: DebianInputs = { sources: ["deb http://deb.debian.org/debian bookworm main"], packages: ["git"], nodeSha256: "a", nodeVersion: "20.20.2", npmVersion: "11.19.1", nodeGypInstallVersion: 11, recipe: 1 };
  const h = recipeHash(base);
  expect(h).toMatch(/^[0-9a-f]{16}$/);
  expect(recipeHash({ ...base })).toBe(h);
  for (const over of [{ sources: ["deb http://mirror.corp.example/debian bookworm main"] }, { packages: ["git", "curl"] }, { nodeSha256: "b" }, { npmVersion: "11.20.0" }, { recipe: 2 }]) {
    expect(recipeHash({ ...base, ...over })).not.toBe(h);
  }
});

test("no Debian source for the suite: one error naming the fix and the -minimal way out", () => {
  const dir = mkdtempSync(join(tmpdir(), "apt-"));
  try {
    writeFileSync(join(dir, "sources.list"), "deb http://mirror.corp.example/debian bullseye main\n");
    expect(() => debianInputs({ node: "/nonexistent", npmDir: "/nonexistent", busybox: "", caBundle: "" }, "11.0.0", dir)).toThrow(/no Debian bookworm apt source on this host/);
    try {
      debianInputs({ node: "/nonexistent", npmDir: "/nonexistent", busybox: "", caBundle: "" }, "11.0.0", dir);
    } catch (e) {
      expect((e as { hint?: string }).hint).toContain("build-image -minimal");
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
