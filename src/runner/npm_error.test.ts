import { describe, expect, test } from "bun:test";
import { NPM_ERROR_MAX, npmFailureReason } from "./npm_error.ts";

const E404 = `npm notice Beginning October 4, 2021, all connections ...
npm error code E404
npm error 404 No match found for version 9.9.9
npm error 404
npm error 404  'fangs-fixture-widget@9.9.9' is not in this registry.
npm error A complete log of this run can be found in: /root/.npm/_logs/x.log
`;

describe("npmFailureReason", () => {
  test("keeps npm's error lines, not the noise around them", () => {
    const r = npmFailureReason(1, E404);
    expect(r.startsWith("npm install exited 1: npm error code E404\n")).toBe(true);
    expect(r).toContain("No match found for version 9.9.9");
    expect(r).toContain("is not in this registry");
    expect(r).not.toContain("complete log");
    expect(r).not.toContain("npm notice");
  });
  test("falls back to the last lines when npm printed no error line", () => {
    expect(npmFailureReason(2, "a\nb\n\nc\n")).toBe("npm install exited 2: a\nb\nc");
  });
  test("says so when there was no output at all", () => {
    expect(npmFailureReason(1, "")).toBe("npm install exited 1 (no output)");
  });
  test("a flood of output is capped from the front, keeping the end", () => {
    const r = npmFailureReason(1, Array.from({ length: 50 }, (_, i) => `npm error ${"x".repeat(400)} ${i}`).join("\n"));
    expect(r.length).toBeLessThanOrEqual(NPM_ERROR_MAX);
    expect(r.endsWith(" 49")).toBe(true);
  });
});
