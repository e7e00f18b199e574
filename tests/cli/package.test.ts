// `fangs package add|watched|list|remove` against a fake registry on loopback.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { expectOneLineError, fangsAsync, freshDb } from "./helpers.ts";

let server: ReturnType<typeof Bun.serve>;
const seen: { path: string; accept: string | null }[] = [];
const PACKUMENTS: Record<string, unknown> = {
  "/left-pad": { name: "left-pad", "dist-tags": { latest: "1.3.0" }, versions: { "1.2.0": {}, "1.3.0": {} } },
  "/@scope%2fpkg": { name: "@scope/pkg", "dist-tags": { latest: "2.0.0" }, versions: { "2.0.0": {} } },
  "/broken": { name: "broken", versions: "nope" },
};

beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const path = new URL(req.url).pathname;
      seen.push({ path, accept: req.headers.get("accept") });
      if (path === "/flaky") return new Response("busy", { status: 503, headers: { "retry-after": "7" } });
      const p = PACKUMENTS[path];
      return p ? Response.json(p) : Response.json({ error: "Not found" }, { status: 404 });
    },
  });
});
afterAll(() => server.stop(true));

const reg = () => ({ FANGS_REGISTRY: `http://127.0.0.1:${server.port}/` });

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
    const r = await fangsAsync(["package", "add", "@scope/pkg", "--version", "2.0.0", "-registry-url", "http://127.0.0.1:4873/", "-network", "container:fake-registry", "-db", db, "--json"], reg());
    expect(r.code).toBe(0);
    expect(seen.some((s) => s.path === "/@scope%2fpkg")).toBe(true);
    const run = JSON.parse((await fangsAsync(["run", "show", JSON.parse(r.stdout).kickoff_run_id.slice(0, 8), "--json", "-db", db])).stdout);
    expect(run.spec).toMatchObject({ network: "container:fake-registry", registry_url: "http://127.0.0.1:4873/" });
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
    ["bad network", ["left-pad", "-network", "host"], /bad -network/],
    ["unknown flag", ["left-pad", "-colour"], /unknown flag -colour/],
  ])("%s", async (_n, args, err) => {
    const db = freshDb();
    expectOneLineError(await fangsAsync(["package", "add", ...(args as string[]), "-db", db], reg()), err as RegExp);
    expect(JSON.parse((await fangsAsync(["package", "watched", "--json", "-db", db])).stdout)).toEqual([]);
    expect(JSON.parse((await fangsAsync(["run", "list", "--json", "-db", db])).stdout)).toEqual([]);
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
