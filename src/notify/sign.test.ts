import { expect, test } from "bun:test";
import { readSecret, sign, verify } from "./sign.ts";

// Known answers from RFC 4231 (test cases 1 and 2) and a FANGS-shaped body
// computed with `printf '%s' BODY | openssl dgst -sha256 -hmac SECRET`.
test.each([
  ["\x0b".repeat(20), "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"],
  ["Jefe", "what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"],
])("HMAC-SHA256 known answer %#", (key, body, hex) => {
  expect(sign(key, body)).toBe(`sha256=${hex}`);
});

test("matches openssl over a JSON body with non-ASCII bytes", () => {
  const body = JSON.stringify({ package: "pkg-ü", time_unix_nano: "1" });
  const p = Bun.spawnSync(["openssl", "dgst", "-sha256", "-hmac", "s3cret"], { stdin: Buffer.from(body) });
  const hex = /([0-9a-f]{64})/.exec(p.stdout.toString())![1];
  expect(sign("s3cret", body)).toBe(`sha256=${hex}`);
});

test("verify: right secret and exact body only", () => {
  const body = '{"a":1}';
  const sig = sign("k", body);
  expect(verify("k", body, sig)).toBe(true);
  expect(verify("k", '{"a":2}', sig)).toBe(false);
  expect(verify("other", body, sig)).toBe(false);
  expect(verify("k", body, null)).toBe(false);
  expect(verify("k", body, "sha256=00")).toBe(false);
});

test("the secret comes from the named variable at send time; the error never holds a value", () => {
  expect(readSecret("X", (n) => (n === "X" ? "v" : undefined))).toEqual({ secret: "v" });
  const missing = readSecret("FANGS_HMAC", () => undefined);
  expect(missing.secret).toBeUndefined();
  expect(missing.error).toContain("FANGS_HMAC");
  expect(readSecret("E", () => "").error).toContain("not set");
});
