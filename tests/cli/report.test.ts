// `fangs run confirm` + `fangs run report -format osv`: the record of a
// release an operator confirmed malicious, checked field by field against
// what the OSV schema (ossf/osv-schema validation/schema.json) requires and
// what the OpenSSF malicious-packages repository carries.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../lib/env.ts";
import { expectOneLineError, fangsAsync, triageDb } from "./helpers.ts";

const REF_TYPES = ["ADVISORY", "ARTICLE", "DETECTION", "REPORT", "FIX", "INTRODUCED", "GIT", "PACKAGE", "EVIDENCE", "WEB"];
const isIso = (s: unknown) => typeof s === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(s) && !Number.isNaN(Date.parse(s));

describe("run report -format osv", () => {
  test("only a confirmed run is reported; the record has every required OSV field", async () => {
    const { path, seedRun, badRun } = await triageDb();
    const db = ["-db", path];
    expectOneLineError(await fangsAsync(["run", "report", badRun.slice(0, 10), "-format", "osv", ...db]), /is not confirmed malicious/);
    expectOneLineError(await fangsAsync(["run", "confirm", seedRun.slice(0, 10), ...db]), /has no deviations: nothing to confirm/);
    const note = "steals ~/.npmrc `curl` \u001b[31m\nsee ticket";
    const c = await fangsAsync(["run", "confirm", badRun.slice(0, 10), "-note", note, "--json", ...db]);
    expect(c.stderr).toBe("");
    expect(JSON.parse(c.stdout)).toMatchObject({ run_id: badRun, package: "demo-pkg", version: "1.0.1" });
    expectOneLineError(await fangsAsync(["run", "confirm", badRun, ...db]), /already confirmed malicious/);
    expectOneLineError(await fangsAsync(["run", "report", badRun, "-format", "sarif", ...db]), /bad -format "sarif": only osv/);

    const r = await fangsAsync(["run", "report", badRun.slice(0, 10), "-format", "osv", "-url", "https://fangs.corp.example", ...db]);
    expect(r.stderr).toBe("");
    const osv = JSON.parse(r.stdout);
    // Required by the schema, and what malicious-packages records carry.
    expect(osv.schema_version).toMatch(/^1\.\d+\.\d+$/);
    expect(osv.id).toBe(`FANGS-${badRun}`);
    expect(isIso(osv.modified)).toBe(true);
    expect(isIso(osv.published)).toBe(true);
    expect(osv.summary).toBe("Malicious code in demo-pkg (npm)");
    expect(osv.affected).toEqual([{ package: { ecosystem: "npm", name: "demo-pkg" }, versions: ["1.0.1"], database_specific: { cwes: [expect.objectContaining({ cweId: "CWE-506" })] } }]);
    for (const ref of osv.references) {
      expect(REF_TYPES).toContain(ref.type);
      expect(() => new URL(ref.url)).not.toThrow();
    }
    expect(osv.references).toContainEqual({ type: "EVIDENCE", url: `https://fangs.corp.example/ui/runs/${badRun}` });
    expect(osv.references).toContainEqual({ type: "PACKAGE", url: "https://registry.npmjs.org/demo-pkg" });
    expect(osv.references.filter((x: { url: string }) => x.url.includes("/v1/deviations/"))).toHaveLength(11);
    expect(osv.database_specific["malicious-packages-origins"]).toEqual([expect.objectContaining({ source: "fangs", versions: ["1.0.1"] })]);
    expect(osv.credits).toEqual([{ name: "FANGS", type: "TOOL" }]);
    // Details from the deviations; attacker/operator text only inside code spans, no control characters.
    expect(osv.details).toContain("Deviations (11)");
    expect(osv.details).toContain("fs_new_path_read");
    expect(osv.details).toContain("Operator note: `steals ~/.npmrc 'curl'  [31m see ticket`");
    expect(osv.details).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);

    // -out writes the same record; the confirmation is audited.
    const out = join(tempDir("fangs-osv-"), "demo-pkg-1.0.1.json");
    const w = await fangsAsync(["run", "report", badRun, "-format", "osv", "-url", "https://fangs.corp.example", "-out", out, ...db]);
    expect(w.stderr).toContain(`wrote ${out}`);
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual(osv);
    expect((await fangsAsync(["audit", "--json", ...db])).stdout).toContain("run.confirm_malicious");
  });
});
