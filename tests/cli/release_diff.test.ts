// `fangs run diff` from dist/fangs over a database the real storage layer,
// differ and release diff filled: case (c), a release that changes only
// non-script files, one of them with a hostile name.
import { beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fangsAsync, freshDb, withStore, expectOneLineError } from "./helpers.ts";
import { REPO } from "../lib/env.ts";
import { enqueueScan } from "../../src/store/runs.ts";
import { claimNext, finishRun, registerRunner } from "../../src/store/queue.ts";
import { putManifest } from "../../src/store/manifests.ts";
import { diffRun } from "../../src/triage/diff.ts";
import { releaseDiffFor } from "../../src/orchestrator/release_diff.ts";
import type { InstallManifest } from "../../src/protocol/manifest.ts";

const db = freshDb();
const ids: Record<string, string> = {};
const f = (args: string[]) => fangsAsync(args, { FANGS_DB: db });
const golden = (k: string) => JSON.parse(readFileSync(join(REPO, "tests/fixtures/manifests", `${k}.json`), "utf8")) as InstallManifest;
const ESC = "evil\u001b[31m.txt";

beforeAll(async () => {
  await withStore(db, async (s) => {
    await registerRunner(s, { id: "scan-01", hostname: "scan-01", version: "t", probes: [], certCn: null });
    for (const version of ["1.0.0", "1.1.0", "1.2.0"]) {
      const run = await enqueueScan(s, { package: "fangs-fixture-reldocs", version, source: "manual", actor: "test" });
      expect((await claimNext(s, "scan-01"))?.id).toBe(run.id);
      if (version !== "1.2.0") {
        const m = golden(`fangs-fixture-reldocs@${version}`);
        if (version === "1.1.0") m.packages[0].files!.push({ path: ESC, size: 1, sha256: "1".repeat(64) });
        await putManifest(s, run.id, JSON.stringify(m), 100);
      }
      await finishRun(s, run.id, "scan-01", { status: "finished", exit_code: 0, events_sent: 0, events_dropped: 0, batch_send_errors: 0, timings: {}, failure_reason: null });
      await diffRun(s, run.id);
      await releaseDiffFor(s, (await s.selectFrom("runs").selectAll().where("id", "=", run.id).executeTakeFirstOrThrow()) as never);
      ids[version] = run.id;
    }
  });
});

test("(c) only non-script files changed: tables for people, the hostile names inert", async () => {
  const r = await f(["run", "diff", ids["1.1.0"].slice(0, 10)]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("since fangs-fixture-reldocs@1.0.0: 5 file(s) changed");
  expect(r.stdout).toMatch(/LIFECYCLE SCRIPTS\n\(no change\)/);
  expect(r.stdout).toMatch(/DEPENDENCIES\n\(no change\)/);
  expect(r.stdout).toMatch(/"><img src=x onerror=alert\(1\)>\.txt\s+added\s+-\s+6/);
  expect(r.stdout).toMatch(/README\.md\s+changed\s+24\s+63/);
  expect(r.stdout).toContain("evil\\u001b[31m.txt");
  expect(r.stdout).not.toContain("\u001b");
  const d = await f(["run", "diff", ids["1.1.0"], "-show-diffs"]);
  expect(d.stdout).toContain("-module.exports = (x) => x + 1;\n+module.exports = (x) => x + 2;");
});

test("--json is the API's document", async () => {
  const j = JSON.parse((await f(["run", "diff", ids["1.1.0"], "--json"])).stdout);
  expect(j).toMatchObject({ run_id: ids["1.1.0"], state: "diffed", diff: { base: { run_id: ids["1.0.0"], version: "1.0.0" }, scripts: [], deps: [] } });
  expect(j.diff.files.map((x: { path: string }) => x.path)).toContain(ESC);
});

test("a run without a manifest says why; an unknown prefix is a one-line error", async () => {
  const r = await f(["run", "diff", ids["1.2.0"]]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("no install manifest");
  expectOneLineError(await f(["run", "diff", "ffffffffffff"]), /run/);
});
