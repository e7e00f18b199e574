// The sandbox images through the compiled CLI on the real Docker Engine: the
// realistic (Debian) image is built once per recipe and only tagged after,
// carries the tools of a CI machine and node's headers for node-gyp, and
// `runner doctor` says which image is in use; -minimal still builds the small
// busybox image. (Addon builds, git and prepare run in tests/e2e/build_paths.)
import { beforeAll, describe, expect, test } from "bun:test";
import { fangs } from "../lib/env.ts";
import { Docker } from "../../src/runner/docker.ts";
import { CACHE_REPO, LABEL_FLAVOR, LABEL_RECIPE } from "../../src/runner/image.ts";

const docker = new Docker();
const NAME = "fangs-sandbox:imgtest";
const MINIMAL = "fangs-sandbox:imgtest-minimal";

async function inside(image: string, script: string): Promise<string> {
  return docker.runToEnd(`imgtest-${crypto.randomUUID().slice(0, 8)}`, { Image: image, Cmd: ["sh", "-c", script], HostConfig: { NetworkMode: "none" } });
}

let built: any;
beforeAll(() => {
  // First build of the recipe on a fresh machine: about a minute.
  const b = fangs(["sandbox", "build-image", "-image", NAME, "--json"]);
  if (b.code !== 0) throw new Error(`build-image: ${b.stderr}`);
  built = JSON.parse(b.stdout);
}, 600_000);

describe("the realistic image", () => {
  test("a second build of the same recipe reuses the cached image: same id, seconds not minutes, progress says so", async () => {
    const b = fangs(["sandbox", "build-image", "-image", NAME, "--json"]);
    expect(b.code).toBe(0);
    const again = JSON.parse(b.stdout);
    expect(again).toMatchObject({ name: NAME, flavor: "debian-bookworm", cached: true, id: built.id, recipe: built.recipe });
    expect(again.seconds).toBeLessThan(10);
    expect(b.stderr).toContain(`reusing ${CACHE_REPO}:bookworm-${built.recipe}`);
    const img = await docker.imageInspect(`${CACHE_REPO}:bookworm-${built.recipe}`);
    expect(img?.Id).toBe(built.id);
    expect(img!.Config.Labels[LABEL_FLAVOR]).toBe("debian-bookworm");
    expect(img!.Config.Labels[LABEL_RECIPE]).toBe(built.recipe);
  }, 60_000);

  test("for people: name, flavour, size", () => {
    const b = fangs(["sandbox", "build-image", "-image", NAME]);
    expect(b.code).toBe(0);
    expect(b.stdout).toMatch(new RegExp(`^${NAME}: debian-bookworm \\([0-9a-f]{12}, \\d+ MB, npm \\d+\\.\\d+\\.\\d+.*\\) reused recipe ${built.recipe}\\n$`));
  }, 60_000);

  test("carries the tools of a CI machine, the host's node and npm, and node's headers where node-gyp looks", async () => {
    const out = await inside(NAME, "for t in node npm python3 make g++ git curl wget ssh ps; do command -v $t >/dev/null && echo have $t || echo missing $t; done; node -p process.version; ls /root/.cache/node-gyp/*/include/node/node.h /root/.cache/node-gyp/*/installVersion; test -f /etc/ssl/certs/ca-certificates.crt && echo have ca; . /etc/os-release; echo os $VERSION_CODENAME");
    expect(out).not.toContain("missing");
    expect(out).toContain(`${Bun.spawnSync(["node", "--version"]).stdout.toString().trim()}\n`); // the host's node
    expect(out).toMatch(/node-gyp\/[\d.]+\/include\/node\/node\.h/);
    expect(out).toContain("have ca");
    expect(out).toContain("os bookworm");
  }, 60_000);

  test("runner doctor says which image is in use", () => {
    const r = fangs(["runner", "doctor", "-image", NAME, "--json"]);
    const check = JSON.parse(r.stdout).checks.find((c: { name: string }) => c.name === "sandbox image");
    expect(check.ok).toBe(true);
    expect(check.detail).toContain(`${NAME} is debian-bookworm (${built.id.slice(7, 19)}`);
    expect(check.detail).toContain(`recipe ${built.recipe}`);
  }, 60_000);
});

describe("-minimal", () => {
  test("builds the small busybox image, labelled minimal, and doctor names it", async () => {
    const b = fangs(["sandbox", "build-image", "-minimal", "-image", MINIMAL, "--json"]);
    expect(b.code).toBe(0);
    const m = JSON.parse(b.stdout);
    expect(m).toMatchObject({ name: MINIMAL, flavor: "minimal", cached: false, recipe: null });
    expect(m.size_bytes).toBeLessThan(built.size_bytes / 2);
    expect(await inside(MINIMAL, "readlink /bin/sh; command -v python3 || echo no python")).toContain("no python");
    const r = fangs(["runner", "doctor", "-image", MINIMAL, "--json"]);
    expect(JSON.parse(r.stdout).checks.find((c: { name: string }) => c.name === "sandbox image").detail).toContain(`${MINIMAL} is minimal`);
  }, 120_000);

  test("--help names both flavours", () => {
    const h = fangs(["sandbox", "build-image", "--help"]);
    expect(h.stdout + h.stderr).toContain("-minimal");
    expect(h.stdout + h.stderr).toContain("Debian bookworm");
  });
});
