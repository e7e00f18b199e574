// fetchPackument against a loopback registry (Bun.serve): conditional GETs,
// not found, retry hints, validation, the body size limit.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { fetchPackument, packumentUrl, RegistryError } from "./npm.ts";

let server: ReturnType<typeof Bun.serve>;
let lastHeaders: Headers;
beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      lastHeaders = req.headers;
      const path = new URL(req.url).pathname;
      if (path === "/ok") {
        if (req.headers.get("if-none-match") === '"v1"') return new Response(null, { status: 304 });
        return Response.json({ name: "ok", "dist-tags": { latest: "1.0.0" }, versions: { "1.0.0": { dist: {} } }, modified: "2026-01-01" }, { headers: { etag: '"v1"', "last-modified": "Thu, 01 Jan 2026 00:00:00 GMT" } });
      }
      if (path === "/limited") return new Response("slow down", { status: 429, headers: { "retry-after": "12" } });
      if (path === "/garbage") return new Response("<html>", { status: 200 });
      if (path === "/huge") return new Response(new ReadableStream({ pull(c) { c.enqueue(new Uint8Array(1 << 20).fill(32)); } }));
      if (path === "/teapot") return new Response("no", { status: 418 });
      return new Response("{}", { status: 404 });
    },
  });
});
afterAll(() => server.stop(true));
const base = () => `http://127.0.0.1:${server.port}`;

describe("fetchPackument", () => {
  test("ok, then not_modified with the etag", async () => {
    const r = await fetchPackument(base(), "ok");
    expect(r).toMatchObject({ status: "ok", etag: '"v1"', lastModified: "Thu, 01 Jan 2026 00:00:00 GMT", packument: { name: "ok", "dist-tags": { latest: "1.0.0" } } });
    expect(lastHeaders.get("accept")).toContain("application/vnd.npm.install-v1+json");
    expect(await fetchPackument(base() + "/", "ok", { etag: '"v1"', lastModified: "x" })).toEqual({ status: "not_modified" });
    expect(lastHeaders.get("if-modified-since")).toBe("x");
  });
  test("not_found", async () => {
    expect(await fetchPackument(base(), "missing")).toEqual({ status: "not_found" });
  });
  test.each([
    ["limited", /answered 429/, 12],
    ["garbage", /invalid JSON/, undefined],
    ["teapot", /answered 418/, undefined],
  ])("%s → RegistryError", async (name, msg, retry) => {
    const e = await fetchPackument(base(), name).catch((x) => x);
    expect(e).toBeInstanceOf(RegistryError);
    expect(e.message).toMatch(msg);
    expect(e.retryAfterS).toBe(retry);
  });
  test("a body over the limit is refused", async () => {
    await expect(fetchPackument(base(), "huge")).rejects.toThrow(/exceeds the \d+-byte limit/);
  }, 30_000);
  test("unreachable registry", async () => {
    const e = await fetchPackument("http://127.0.0.1:1", "x").catch((x) => x);
    expect(e).toBeInstanceOf(RegistryError);
    expect(e.retryAfterS).toBe(30);
  });
  test.each([
    ["lodash", "https://r.example/lodash"],
    ["@babel/core", "https://r.example/@babel%2fcore"],
  ])("url of %s", (n, u) => expect(packumentUrl("https://r.example", n)).toBe(u));
});
