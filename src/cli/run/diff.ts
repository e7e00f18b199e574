// `fangs run diff <run>`: what changed in the published release since the
// package's baseline release, and which package and lifecycle step caused
// each deviation (issue 14). Script text and file names are the attacker's:
// every cell and line goes through safe() and is capped.
import { command, JSON_ARG } from "../command.ts";
import { RUN_ARG } from "../args.ts";
import { findRunByPrefix } from "../../store/runs.ts";
import { printJson, printTable, safe } from "../output.ts";
import { loadRunDiff } from "../../service/run_diff.ts";

const cap = (s: string | null | undefined, n = 100) => (s == null ? "-" : s.length > n ? s.slice(0, n - 1) + "…" : s);

export default command({
  meta: { name: "diff", description: "what changed since the baseline release: scripts, dependencies, files, and the cause of each deviation" },
  args: {
    ...RUN_ARG,
    "show-diffs": { type: "boolean", description: "print the unified diffs of scripts and files too" },
    ...JSON_ARG,
  },
  async run(ctx) {
    const db = await ctx.store();
    const run = await findRunByPrefix(db, String(ctx.args.run));
    const r = await loadRunDiff(db, run);
    if (ctx.args.json) return printJson(r);
    const out = (s: string) => process.stdout.write(s + "\n");
    out(`run ${run.id}  ${safe(run.package)}@${safe(run.version)}`);
    if (r.control_of) out(`control re-run of the baseline release beside run ${r.control_of}`);
    if (r.control) {
      const k = r.control;
      out(`control re-run ${k.run_id} (${safe(run.package)}@${safe(k.version)} re-scanned on the same runner and spec): ${k.status}${k.verdict ? `, verdict ${k.verdict}` : ""}, ${k.deviation_count} deviation(s)`);
      out(`  ${k.shared.length} of this run's deviations also in the control (the environment), ${k.only_in_release} only in this release (the package)`);
      for (const x of k.shared) out(`  also in control: ${x.category} ${safe(cap(x.value, 160))} (by ${safe(cap(x.actor, 80))})`);
    }
    if (r.state === "no_manifest") return out("no install manifest: the runner sent none (an older runner, FANGS_RUNNER_MANIFEST=0, or the collector failed: see the runner's log)");
    if (r.state === "pending") return out("manifest stored; the diff is computed when the run ends");
    const d = r.diff!;
    out(safe(r.summary));
    out(`manifest: ${r.manifest!.packages} package(s), ${r.manifest!.install_script_packages} with install scripts, ${r.manifest!.bytes} bytes${r.manifest!.error ? `; partial: ${safe(r.manifest!.error)}` : ""}`);
    for (const n of d.notes) out(`note: ${safe(n)}`);
    if (d.truncated) out("note: a cap was reached: the lists below are partial");
    out("\nCAUSES");
    printTable(["ORIGIN", "PACKAGE", "STEP", "SCRIPT", "IN THIS RELEASE", "DEVIATIONS"], d.join.map((j) => [j.origin, j.package ? `${j.package}@${j.version ?? "?"}` : "-", j.step ?? "-", cap(j.command, 60), j.script_change ?? "-", j.deviations.length]), "(no deviations)");
    for (const j of d.join) out(`  ${safe(cap(j.line, 400))}`);
    out("\nLIFECYCLE SCRIPTS");
    printTable(["PACKAGE", "STEP", "CHANGE", "BEFORE", "AFTER"], d.scripts.map((s) => [`${s.package}${s.version ? `@${s.version}` : ""}${s.new_package ? " (new)" : ""}`, s.step + (s.implicit ? " (implicit)" : ""), s.change, cap(s.before, 60), cap(s.after, 60)]), "(no change)");
    out("\nDEPENDENCIES");
    printTable(["NAME", "CHANGE", "BEFORE", "AFTER", "INSTALL SCRIPTS"], d.deps.map((x) => [x.name, x.change, x.before.join(",") || "-", x.after.join(",") || "-", x.install_scripts ? `yes: ${cap(x.scripts.map((s) => `${s.step} ${s.command}`).join("; "), 80)}` : "no"]), "(no change)");
    out(`\nFILES (${safe(run.package)})`);
    printTable(["PATH", "CHANGE", "SIZE BEFORE", "SIZE AFTER"], d.files.map((f) => [cap(f.path, 120), f.change, f.size_before ?? "-", f.size_after ?? "-"]), "(no change)");
    if (ctx.args["show-diffs"]) {
      for (const s of d.scripts) for (const t of [s.diff, ...s.files.map((f) => f.diff)]) if (t) out("\n" + t.split("\n").map(safe).join("\n"));
      for (const f of d.files) if (f.diff) out("\n" + f.diff.split("\n").map(safe).join("\n"));
    }
  },
});
