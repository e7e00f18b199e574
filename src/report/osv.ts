// An OSV record for a release an operator confirmed malicious, in the shape
// the OpenSSF malicious-packages repository uses (osv/malicious/npm/<name>/):
// "Malicious code in <name> (npm)", the affected version, CWE-506, details
// from the deviations, references to the evidence, and a
// malicious-packages-origins entry naming FANGS as the source. The id is
// FANGS-<run id>: the repository assigns its MAL-YYYY-NNNN on ingestion.
// Deviation values are attacker-controlled: they go into the markdown only
// inside code spans, without backticks or control characters.
import * as v from "valibot";
import type { Deviation, Run } from "../store/schema.ts";
import type { Confirmation } from "../store/confirmations.ts";
import { packumentUrl } from "../registry/npm.ts";

export const OSV_SCHEMA_VERSION = "1.5.0";

const ISO = v.pipe(v.string(), v.isoTimestamp());
const REF_TYPES = ["ADVISORY", "ARTICLE", "DETECTION", "REPORT", "FIX", "INTRODUCED", "GIT", "PACKAGE", "EVIDENCE", "WEB"] as const;

/** The OSV fields this record must carry (validation/schema.json of ossf/osv-schema: id and modified are required; references need type and url). */
export const OsvRecord = v.looseObject({
  schema_version: v.string(),
  id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/)),
  modified: ISO,
  published: ISO,
  summary: v.pipe(v.string(), v.minLength(1)),
  details: v.pipe(v.string(), v.minLength(1)),
  affected: v.pipe(
    v.array(v.looseObject({
      package: v.object({ ecosystem: v.literal("npm"), name: v.string() }),
      versions: v.pipe(v.array(v.string()), v.minLength(1)),
      database_specific: v.optional(v.looseObject({})),
    })),
    v.minLength(1),
  ),
  references: v.array(v.object({ type: v.picklist(REF_TYPES), url: v.pipe(v.string(), v.url()) })),
  credits: v.optional(v.array(v.object({ name: v.string(), type: v.optional(v.string()) }))),
  database_specific: v.looseObject({ "malicious-packages-origins": v.array(v.looseObject({ source: v.string() })) }),
});
export type OsvRecord = v.InferOutput<typeof OsvRecord>;

const MAX_DETAIL_ROWS = 50;

/** Text an attacker chose, made safe for a markdown code span. */
function code(s: string, max = 200): string {
  const t = s.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, " ").replace(/`/g, "'");
  return "`" + (t.length > max ? t.slice(0, max) + "…" : t) + "`";
}

export function osvRecord(run: Run, devs: readonly Deviation[], c: Confirmation, baseUrl: string): OsvRecord {
  const spec = JSON.parse(run.spec) as { registry_url?: string };
  const when = new Date(c.confirmed_at).toISOString();
  const base = baseUrl.replace(/\/+$/, "");
  const lines = [
    `FANGS installed ${run.package}@${run.version} in its sandbox and recorded behaviour the package's baseline had never shown; an operator confirmed the release malicious.`,
    "",
    ...(c.note ? [`Operator note: ${code(c.note, 500)}`, ""] : []),
    `Deviations (${devs.length}${devs.length > MAX_DETAIL_ROWS ? `, the first ${MAX_DETAIL_ROWS} shown` : ""}):`,
    "",
    ...devs.slice(0, MAX_DETAIL_ROWS).map((d) => `- ${d.severity} ${d.category}: ${code(d.value)} by ${code(d.actor, 80)} (${d.reason})`),
  ];
  const record = {
    schema_version: OSV_SCHEMA_VERSION,
    id: `FANGS-${run.id}`,
    modified: when,
    published: when,
    summary: `Malicious code in ${run.package} (npm)`,
    details: lines.join("\n"),
    affected: [{
      package: { ecosystem: "npm" as const, name: run.package },
      versions: [run.version],
      database_specific: { cwes: [{ cweId: "CWE-506", name: "Embedded Malicious Code", description: "The product contains code that appears to be malicious in nature." }] },
    }],
    references: [
      { type: "PACKAGE" as const, url: packumentUrl(spec.registry_url ?? "https://registry.npmjs.org/", run.package) },
      { type: "EVIDENCE" as const, url: `${base}/ui/runs/${run.id}` },
      ...devs.slice(0, MAX_DETAIL_ROWS).map((d) => ({ type: "EVIDENCE" as const, url: `${base}/v1/deviations/${d.id}` })),
    ],
    credits: [{ name: "FANGS", type: "TOOL" }],
    database_specific: {
      "malicious-packages-origins": [{ source: "fangs", import_time: when, versions: [run.version], id: `FANGS-${run.id}` }],
      fangs: { run_id: run.id, verdict: run.verdict, max_severity: run.max_severity, deviation_count: devs.length, confirmed_at: when, registry: spec.registry_url ?? null },
    },
  };
  return v.parse(OsvRecord, record);
}
