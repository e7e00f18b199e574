// `fangs audit verify` against the compiled executable: an untouched log is
// intact (exit 0, one line, --json), a row edited behind FANGS's back is named
// (exit 1), serve logs the chain head at start, and that logged head as
// -anchor catches a chain recomputed from scratch.
import { Database } from "bun:sqlite";
import { expect, test } from "bun:test";
import { join } from "node:path";
import { fangs, tempDir } from "../lib/env.ts";
import { startServe } from "./lib.ts";
import { chainHash } from "../../src/store/audit_chain.ts";

const dir = tempDir("fangs-audit-verify-");
const db = join(dir, "fangs.db");
const cli = (args: string[]) => fangs([...args, "-db", db], { cwd: dir });

function mutate(): void {
  for (const name of ["left-pad", "is-number", "kind-of"]) {
    const r = cli(["package", "add", name, "-skip-registry-validate", "-version", "1.0.0"]);
    expect(r.stderr).toBe("");
  }
  expect(cli(["allow", "add", "-kind", "sni", "-value", "telemetry.example", "-note", "vendor"]).code).toBe(0);
}

test("an untouched log verifies; an edited row is named; the head serve logged catches a recomputed chain", async () => {
  mutate();
  const ok = cli(["audit", "verify"]);
  expect(ok.code).toBe(0);
  expect(ok.stdout).toMatch(/^audit chain intact: \d+ rows; head \d+:[0-9a-f]{64}\n$/);
  const json = JSON.parse(cli(["audit", "verify", "--json"]).stdout);
  expect(json).toMatchObject({ ok: true, unchained: 0 });

  // serve prints the head to its log at start: the anchor kept outside the database.
  const srv = await startServe([], { dir });
  await srv.stop();
  const logged = /audit chain head (\d+):([0-9a-f]{64})/.exec(srv.stderr());
  expect(logged).not.toBeNull();
  const anchor = `${logged![1]}:${logged![2]}`;
  expect(anchor).toBe(`${json.head.seq}:${json.head.hash}`);

  // Someone with write access to the database softens an allowlist entry's audit trail.
  const sqlite = new Database(db);
  const row = sqlite.query("SELECT id, seq FROM audit_log WHERE action = 'allow.add'").get() as { id: string; seq: number };
  sqlite.run("UPDATE audit_log SET actor = 'system:watcher' WHERE id = ?", [row.id]);
  const broken = cli(["audit", "verify"]);
  expect(broken.code).toBe(1);
  expect(broken.stdout).toBe(`audit chain BROKEN at row ${row.seq} (id ${row.id}): its content does not match its hash (edited); ${row.seq - 1} rows verified before it\n`);

  // They read audit_chain.ts and recompute every hash and the head: only the anchor catches it.
  let prev = "";
  for (const r of sqlite.query("SELECT * FROM audit_log WHERE seq IS NOT NULL ORDER BY seq").all() as any[]) {
    const hash = chainHash({ ...r, prev_hash: prev });
    sqlite.run("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", [prev, hash, r.id]);
    prev = hash;
  }
  sqlite.run("UPDATE audit_head SET hash = ? WHERE id = 1", [prev]);
  sqlite.close();
  expect(cli(["audit", "verify"]).code).toBe(0);
  const anchored = cli(["audit", "verify", "-anchor", anchor]);
  expect(anchored.code).toBe(1);
  expect(anchored.stdout).toContain("the chain was rewritten");
});

test("a malformed -anchor, or -anchor without verify, is one line with a hint", () => {
  const bad = cli(["audit", "verify", "-anchor", "12:nothex"]);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('Error: -anchor must be SEQ:HASH as fangs serve logs it (got "12:nothex")');
  expect(bad.stderr).toContain("Try: fangs audit verify -anchor");
  const stray = cli(["audit", "-anchor", `1:${"a".repeat(64)}`]);
  expect(stray.code).toBe(1);
  expect(stray.stderr).toContain("Error: -anchor goes with fangs audit verify");
  const typo = cli(["audit", "verfiy"]);
  expect(typo.code).toBe(1);
  expect(typo.stderr).toContain('Error: unknown audit action "verfiy"');
});
