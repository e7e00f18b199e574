import { describe, expect, test } from "bun:test";
import { isLoopbackHost, nameError, parseHeaders, redactUrl, secretEnvError, severityError, templateError, urlError } from "./notifier.ts";

describe("URL policy: https only, loopback http exempted", () => {
  const cases: Array<[string, string | null]> = [
    ["https://hooks.slack.com/services/T1/B2/xyz", null],
    ["https://intake.internal/fangs", null],
    ["http://127.0.0.1:9000/hook", null],
    ["http://127.8.9.10/hook", null],
    ["http://localhost:8080/x", null],
    ["http://[::1]:8080/x", null],
    ["http://intake.internal/fangs", "only allowed to loopback"],
    ["http://192.0.2.1/hook", "only allowed to loopback"],
    ["http://127.0.0.1.example/hook", "only allowed to loopback"],
    ["http://128.0.0.1/hook", "only allowed to loopback"],
    ["ftp://example.com/x", "scheme ftp is refused"],
    ["file:///etc/passwd", "scheme file is refused"],
    ["javascript:alert(1)", "refused"],
    ["https://user:pw@hooks.example/x", "credentials in the URL"],
    ["not a url", "not a valid absolute URL"],
    ["/relative/path", "not a valid absolute URL"],
  ];
  for (const [url, want] of cases) {
    test(url, () => {
      const err = urlError(url);
      if (want === null) expect(err).toBeUndefined();
      else expect(err).toContain(want);
    });
  }
  test("loopback detection is exact", () => {
    expect(isLoopbackHost("127.0.0.1")).toBe(true);
    expect(isLoopbackHost("127.0.0.256")).toBe(false);
    expect(isLoopbackHost("localhost.example")).toBe(false);
  });
});

describe("-headers", () => {
  const ok: Array<[string, Record<string, string>]> = [
    ['{"X-Team":"soc"}', { "X-Team": "soc" }],
    ['{"Authorization":"Bearer abc","X-A":"1"}', { Authorization: "Bearer abc", "X-A": "1" }],
    ["{}", {}],
  ];
  for (const [json, want] of ok) test(`accepts ${json}`, () => expect(parseHeaders(json)).toEqual({ headers: want }));
  const bad: Array<[string, string]> = [
    ["not json", "not valid JSON"],
    ["[]", "JSON object"],
    ['"x"', "JSON object"],
    ["null", "JSON object"],
    ['{"X-N":1}', "must be a string"],
    ['{"Host":"evil.example"}', "cannot be overridden"],
    ['{"content-length":"5"}', "cannot be overridden"],
    ['{"Transfer-Encoding":"chunked"}', "cannot be overridden"],
    ['{"Connection":"close"}', "cannot be overridden"],
    ['{"Upgrade":"h2c"}', "cannot be overridden"],
    ['{"X-FANGS-Signature":"sha256=00"}', "set by FANGS"],
    ['{"Bad Name":"x"}', "not a valid header name"],
    ['{"X-A":"a\\r\\nX-B: injected"}', "control characters"],
    ['{"X-A":"1","x-a":"2"}', "given twice"],
  ];
  for (const [json, want] of bad) test(`refuses ${json}`, () => expect(parseHeaders(json).error).toContain(want));
});

describe("names, templates, severities, secret env", () => {
  test.each([["soc-slack", true], ["siem.v2_x", true], ["", false], ["-x", false], ["a b", false], ["x".repeat(65), false], ["évil", false]] as const)("name %p ok=%p", (n, ok) => {
    expect(nameError(n) === undefined).toBe(ok);
  });
  test("templates", () => {
    for (const t of ["slack", "discord", "generic"]) expect(templateError(t)).toBeUndefined();
    expect(templateError("teams")).toContain("unknown template");
  });
  test("severities", () => {
    expect(severityError("high")).toBeUndefined();
    expect(severityError("severe")).toContain("unknown severity");
  });
  test("secret env only for generic, and only a variable name", () => {
    expect(secretEnvError("FANGS_HMAC", "generic")).toBeUndefined();
    expect(secretEnvError("FANGS_HMAC", "slack")).toContain("generic targets only");
    expect(secretEnvError("FANGS_HMAC", "discord")).toContain("generic targets only");
    expect(secretEnvError("s3cr3t value!", "generic")).toContain("NAME");
  });
});

describe("redaction", () => {
  test.each([
    ["https://hooks.slack.com/services/T1/B2/secret", "slack", "https://hooks.slack.com/…"],
    ["https://discord.com/api/webhooks/1/tok", "discord", "https://discord.com/…"],
    ["https://intake.internal/fangs?token=abc", "generic", "https://intake.internal/fangs?…"],
    ["https://intake.internal/fangs", "generic", "https://intake.internal/fangs"],
  ])("%s", (url, t, want) => expect(redactUrl(url, t)).toBe(want));
});
