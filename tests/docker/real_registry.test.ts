// The sealed fake registry serving packages the way tests/fixtures/real/fetch.ts
// caches real ones (<name>/<version>/package.tgz as npm packed it, and another
// platform's optional package as its manifest alone), installed by npm in the
// sandbox: scoped names, tarballs served as packed (their manifest read from
// whatever top directory they have), the other platform's package skipped
// before any fetch, and the highest version picked (1.10.0 after 1.9.0).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { Docker } from "../../src/runner/docker.ts";
import { buildImage } from "../../src/runner/image.ts";
import { runSandbox } from "../../src/runner/sandbox/run.ts";
import { newBait } from "../../src/runner/bait.ts";
import { DEFAULT_SPEC } from "../../src/protocol/sandbox.ts";
import { newId } from "../../src/core/ids.ts";
import { tar } from "../../src/runner/tar.ts";
import { tempDir } from "../lib/env.ts";
import { startFakeRegistry, type FakeRegistry } from "../fixtures/registry/registry.ts";

const IMAGE = "fangs-sandbox:test";
const docker = new Docker();
let reg: FakeRegistry;
const cache = tempDir("fangs-real-cache-");

/** An npm-packed tarball: one top directory (npm's own is `package/`), mtimes of 1985 as npm writes them. */
function packed(dir: string, manifest: object, files: Record<string, string> = {}): Buffer {
  const entries = [
    { type: "file" as const, path: `${dir}/package.json`, data: Buffer.from(JSON.stringify(manifest)), mtime: 499162500 },
    ...Object.entries(files).map(([p, data]) => ({ type: "file" as const, path: `${dir}/${p}`, data: Buffer.from(data), mtime: 499162500 })),
  ];
  return gzipSync(tar(entries));
}

function put(name: string, version: string, file: "package.tgz" | "manifest.json", data: Buffer | string) {
  mkdirSync(join(cache, name, version), { recursive: true });
  writeFileSync(join(cache, name, version, file), data);
}

const CHECK = `
const fs = require("fs");
const has = (p) => fs.existsSync(require("path").join(__dirname, "..", p));
const dep = require("fangs-real-dep/package.json").version;
console.log("FANGS-REAL linux=" + has("cli-linux-x64") + " darwin=" + has("cli-darwin-arm64") + " dep=" + dep);
`;

beforeAll(async () => {
  await docker.ping();
  await buildImage(docker, IMAGE);
  put("@fangs-real/cli", "1.0.0", "package.tgz", packed("package", {
    name: "@fangs-real/cli", version: "1.0.0", scripts: { postinstall: "node check.js" }, dependencies: { "fangs-real-dep": "^1.0.0" },
    optionalDependencies: { "@fangs-real/cli-linux-x64": "1.0.0", "@fangs-real/cli-darwin-arm64": "1.0.0" },
  }, { "check.js": CHECK }));
  put("@fangs-real/cli-linux-x64", "1.0.0", "package.tgz", packed("package", { name: "@fangs-real/cli-linux-x64", version: "1.0.0", os: ["linux"], cpu: ["x64"] }, { "bin/tool": "#!/bin/sh\n" }));
  put("@fangs-real/cli-darwin-arm64", "1.0.0", "manifest.json", JSON.stringify({ name: "@fangs-real/cli-darwin-arm64", version: "1.0.0", os: ["darwin"], cpu: ["arm64"] }));
  // Some real tarballs name their top directory otherwise (e.g. @types use the package name).
  for (const v of ["1.9.0", "1.10.0"]) put("fangs-real-dep", v, "package.tgz", packed("fangs-real-dep", { name: "fangs-real-dep", version: v }));
  reg = await startFakeRegistry({ image: IMAGE, real: cache });
}, 90_000);

afterAll(async () => {
  await reg?.stop();
});

test("npm installs a scoped package from its packed tarball, skips the other platform's, picks the highest version", async () => {
  const r = await runSandbox({
    docker, runId: newId(), pkg: "@fangs-real/cli", version: "1.0.0", image: IMAGE, bait: newBait(),
    spec: { ...DEFAULT_SPEC, network: reg.network, registry_url: reg.url, duration_s: 30 },
  });
  const line = r.logTail.split("\n").find((l) => l.includes("FANGS-REAL "));
  if (r.exitCode !== 0) console.error(r.logTail.slice(-2000));
  expect({ exit: r.exitCode, line: line?.slice(line.indexOf("FANGS-REAL ")) }).toEqual({
    exit: 0,
    line: "FANGS-REAL linux=true darwin=false dep=1.10.0",
  });
}, 90_000);
