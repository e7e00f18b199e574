// `fangs package add|watched|list|remove` against a fake registry on loopback.
import { describe, expect, test } from "bun:test";
import { expectOneLineError, fangsAsync, freshDb, packumentRegistry } from "./helpers.ts";

const seen: { path: string; accept: string | null }[] = [];
const PACKUMENTS: Record<string, unknown> = {
  "/left-pad": { name: "left-pad", "dist-tags": { latest: "1.3.0" }, versions: { "1.2.0": {}, "1.3.0": {} } },
  "/@scope%2fpkg": { name: "@scope/pkg", "dist-tags": { latest: "2.0.0" }, versions: { "2.0.0": {} } },
  "/broken": { name: "broken", versions: "nope" },
};

const url = packumentRegistry(PACKUMENTS, (req, path) => {
  seen.push({ path, accept: req.headers.get("accept") });
  if (path === "/flaky") return new Response("busy", { status: 503, headers: { "retry-after": "7" } });
});
const reg = () => ({ FANGS_REGISTRY: url() });

describe("package add", () => {
  test("validates on the registry, records latest, queues the kickoff scan", async () => {
    const db = freshDb();
    const r = await fangsAsync(["package", "add", "left-pad", "-db", db, "--json"], reg());
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ package: "left-pad", last_seen_version: "1.3.0", kickoff_version: "1.3.0" });
    expect(seen.find((s) => s.path === "/left-pad")!.accept).toContain("application/vnd.npm.install-v1+json");
    const runs = JSON.parse((await fangsAsync(["run", "list", "--json", "-db", db])).stdout);
    expect(runs).toEqual([expect.objectContaining({ id: out.kickoff_run_id, package: "left-pad", version: "1.3.0", status: "queued" })]);
    const watched = JSON.parse((await fangsAsync(["package", "watched", "--json", "-db", db])).stdout);
    expect(watched).toEqual([expect.objectContaining({ package: "left-pad", last_seen_version: "1.3.0" })]);
    const rel = JSON.parse((await fangsAsync(["release", "list", "-package", "left-pad", "--json", "-db", db])).stdout);
    expect(rel).toEqual([expect.objectContaining({ package: "left-pad", version: "1.3.0", source: "kickoff", runs: 1 })]);
    expectOneLineError(await fangsAsync(["package", "add", "left-pad", "-db", db], reg()), /already watched/);
  });

  test("scoped names are URL-encoded; -version picks an existing kickoff version; sandbox flags land in the spec", async () => {
    const db = freshDb();
    // No FANGS_REGISTRY: -registry-url alone says where to validate, poll and install.
    const url = reg().FANGS_REGISTRY;
    const r = await fangsAsync(["package", "add", "@scope/pkg", "--version", "2.0.0", "-registry-url", url, "-network", "container:fake-registry", "-duration", "2m", "-memory", "1024", "-db", db, "--json"]);
    expect(r.stderr).toBe("");
    expect(seen.some((s) => s.path === "/@scope%2fpkg")).toBe(true);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ registry: url, settings: { registry_url: url, network: "container:fake-registry", duration_s: 120, memory_mb: 1024 } });
    const run = JSON.parse((await fangsAsync(["run", "show", out.kickoff_run_id.slice(0, 8), "--json", "-db", db])).stdout);
    expect(run.spec).toMatchObject({ network: "container:fake-registry", registry_url: url, duration_s: 120, memory_mb: 1024 });
    // package watched shows the settings (table and JSON).
    const watched = JSON.parse((await fangsAsync(["package", "watched", "--json", "-db", db])).stdout);
    expect(watched).toEqual([expect.objectContaining({ package: "@scope/pkg", registry: url, settings: { registry_url: url, network: "container:fake-registry", duration_s: 120, memory_mb: 1024 }, sources: [] })]);
    const table = (await fangsAsync(["package", "watched", "-db", db])).stdout;
    expect(table).toContain("SETTINGS");
    expect(table).toContain(`registry=${url} network=container:fake-registry duration=120s memory=1024MB`);
  });

  test("without settings the kickoff installs from the configured registry, not the public one", async () => {
    const db = freshDb();
    const r = JSON.parse((await fangsAsync(["package", "add", "left-pad", "-db", db, "--json"], reg())).stdout);
    expect(r).toMatchObject({ registry: reg().FANGS_REGISTRY, settings: {} });
    const run = JSON.parse((await fangsAsync(["run", "show", r.kickoff_run_id.slice(0, 8), "--json", "-db", db])).stdout);
    expect(run.spec).toMatchObject({ registry_url: reg().FANGS_REGISTRY, network: "bridge", duration_s: 60, memory_mb: 512 });
    const w = JSON.parse((await fangsAsync(["package", "watched", "--json", "-db", db], reg())).stdout);
    expect(w[0]).toMatchObject({ registry: reg().FANGS_REGISTRY, settings: {} });
  });

  test("-skip-registry-validate with -version, and -skip-initial-scan", async () => {
    const db = freshDb();
    const a = JSON.parse((await fangsAsync(["package", "add", "offline-pkg", "-skip-registry-validate", "-version", "0.1.0", "--json", "-db", db], { FANGS_REGISTRY: "http://127.0.0.1:1/" })).stdout);
    expect(a).toMatchObject({ last_seen_version: "0.1.0", kickoff_version: "0.1.0" });
    const b = JSON.parse((await fangsAsync(["package", "add", "left-pad", "-skip-initial-scan", "--json", "-db", db], reg())).stdout);
    expect(b).toMatchObject({ last_seen_version: "1.3.0", kickoff_run_id: null });
    expect(JSON.parse((await fangsAsync(["run", "list", "--json", "-db", db])).stdout)).toHaveLength(1);
  });

  // Bad input: one line on stderr, exit 1, nothing written.
  test.each([
    ["unknown package", ["no-such-pkg"], /no-such-pkg does not exist on http/],
    ["unknown version", ["left-pad", "-version", "9.9.9"], /left-pad@9\.9\.9 does not exist/],
    ["invalid name", ["Not A Name"], /not a valid npm package name/],
    ["malformed packument", ["broken"], /malformed packument for broken/],
    ["registry overloaded", ["flaky"], /registry answered 503 for flaky/],
    ["bad network", ["left-pad", "-network", "host"], /bad -network "host": network must be bridge, none or container:<name>/],
    ["duration too long", ["left-pad", "-duration", "2h"], /bad -duration "2h": duration must be at most 1h/],
    ["duration not a duration", ["left-pad", "-duration", "soon"], /bad -duration "soon": duration like 90s/],
    ["memory too small", ["left-pad", "-memory", "12"], /bad -memory "12": memory must be at least 64 MB/],
    ["memory not a number", ["left-pad", "-memory", "lots"], /bad -memory "lots": memory must be whole megabytes/],
    ["registry not http", ["left-pad", "-registry-url", "ftp://example.invalid/"], /bad -registry-url "ftp:\/\/example.invalid\/": registry URL must be http\(s\)/],
    ["registries disagree", ["left-pad", "-registry", "http://127.0.0.1:9/", "-registry-url", "http://127.0.0.1:8/"], /-registry .* and -registry-url .* disagree/],
    ["unknown flag", ["left-pad", "-colour"], /unknown flag -colour/],
  ])("%s", async (_n, args, err) => {
    const db = freshDb();
    expectOneLineError(await fangsAsync(["package", "add", ...(args as string[]), "-db", db], reg()), err as RegExp);
    expect(JSON.parse((await fangsAsync(["package", "watched", "--json", "-db", db])).stdout)).toEqual([]);
    expect(JSON.parse((await fangsAsync(["run", "list", "--json", "-db", db])).stdout)).toEqual([]);
  });
});

describe("package set", () => {
  test("changes the settings a watched package's next scans use; bad flags change nothing", async () => {
    const db = freshDb();
    expect((await fangsAsync(["package", "add", "left-pad", "-skip-initial-scan", "-network", "none", "-db", db], reg())).code).toBe(0);
    const set = await fangsAsync(["package", "set", "left-pad", "-memory", "2048", "-scan-every-release", "--json", "-db", db], reg());
    expect(set.stderr).toBe("");
    expect(JSON.parse(set.stdout)).toEqual({ package: "left-pad", registry: reg().FANGS_REGISTRY, settings: { network: "none", memory_mb: 2048, scan_every_release: true } });
    expectOneLineError(await fangsAsync(["package", "set", "left-pad", "-duration", "2h", "-db", db], reg()), /bad -duration "2h"/);
    expectOneLineError(await fangsAsync(["package", "set", "not-watched", "-memory", "1024", "-db", db], reg()), /watched package not-watched not found/);
    const reset = JSON.parse((await fangsAsync(["package", "set", "left-pad", "-reset", "-duration", "90s", "--json", "-db", db], reg())).stdout);
    expect(reset.settings).toEqual({ duration_s: 90 });
    const w = JSON.parse((await fangsAsync(["package", "watched", "--json", "-db", db], reg())).stdout);
    expect(w[0].settings).toEqual({ duration_s: 90 });
    expect((await fangsAsync(["audit", "--json", "-db", db])).stdout).toContain("package.settings");
  });

  test("-install-only: no import phase in the scans it queues (the manual's install-only behaviour)", async () => {
    const db = freshDb();
    expect((await fangsAsync(["package", "add", "left-pad", "-skip-initial-scan", "-db", db], reg())).code).toBe(0);
    const set = JSON.parse((await fangsAsync(["package", "set", "left-pad", "-install-only", "--json", "-db", db], reg())).stdout);
    expect(set.settings).toEqual({ import_phase: false });
    expect((await fangsAsync(["package", "watched", "-db", db], reg())).stdout).toContain("install-only");
    const { scanSpec } = await import("../../src/protocol/package_settings.ts");
    expect(scanSpec(undefined, set.settings).import_phase).toBe(false);
    expect(scanSpec(undefined, {}).import_phase).toBe(true);
  });
});

describe("package remove and list", () => {
  test("remove stops watching; list shows packages with runs", async () => {
    const db = freshDb();
    await fangsAsync(["package", "add", "left-pad", "-db", db], reg());
    const rm = await fangsAsync(["package", "remove", "left-pad", "-db", db]);
    expect(rm.stdout).toContain("stopped watching left-pad");
    expect(JSON.parse((await fangsAsync(["package", "watched", "--json", "-db", db])).stdout)).toEqual([]);
    expect(JSON.parse((await fangsAsync(["package", "list", "--json", "-db", db])).stdout)).toEqual([expect.objectContaining({ package: "left-pad", watched: false, runs: 1 })]);
    expectOneLineError(await fangsAsync(["package", "remove", "left-pad", "-db", db]), /watched package left-pad not found/);
  });
});
