// Errors say what happened (issue 10): `fangs serve` with its SQLite database
// on an 8 MiB tmpfs this test mounts, filled up mid-run. Writes answer 503 with
// a safe message, the log has one clear line (never "cannot rollback"), reads
// keep working, and once space is back the refused batch and the end of the
// run go through: nothing lost, the run gets its verdict. And a PostgreSQL
// database made read-only (its sessions ended under the orchestrator): 503s,
// never a 500, one line, writes work again once it is writable.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../lib/env.ts";
import { api, fileEvent, ScriptedRunner, startServe, type Serve } from "../orchestrator/lib.ts";
import { createTestDatabase, dropTestDatabase } from "../lib/postgres.ts";
import { pgUrl } from "../lib/env.ts";
import pg from "pg";

const mnt = tempDir("fangs-fulldisk-");
const filler = join(mnt, "filler");
let serve: Serve;

beforeAll(async () => {
  const m = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", mnt]);
  if (m.exitCode !== 0) throw new Error(`mount tmpfs: ${m.stderr}`);
  mkdirSync(join(mnt, "db"));
  serve = await startServe({ db: join(mnt, "db", "fangs.db") });
});

afterAll(async () => {
  await serve?.stop();
  Bun.spawnSync(["umount", mnt]);
  rmSync(mnt, { recursive: true, force: true });
});

function fill(): void {
  const st = statfsSync(mnt);
  try {
    writeFileSync(filler, Buffer.alloc(Number(st.bavail * st.bsize)));
  } catch {
    // ENOSPC at the very end: full is what we want
  }
}

test("a full disk: 503 with a safe message, one clear log line, nothing lost once space is back", async () => {
  const r = new ScriptedRunner(serve.url, "disk-runner");
  expect((await r.register()).status).toBe(200);
  const sub = await api(serve.url, "POST", "/v1/scans", { package: "disk-pkg", version: "1.0.0", runner: "disk-runner" });
  expect(sub.status).toBe(201);
  const runId = sub.json.run_id as string;
  expect((await r.claim()).json.run.id).toBe(runId);
  const events = (from: number, n: number) => Array.from({ length: n }, (_, i) => fileEvent(from + i, `/app/lib/file-${from + i}-${"x".repeat(200)}.js`));
  expect((await r.batch(runId, 0, events(0, 100))).json).toEqual({ stored: 100, duplicate: false });

  fill();
  const t0 = Date.now();
  const refused = await r.batch(runId, 1, events(100, 3000));
  expect(refused.status).toBe(503);
  expect(refused.json.error).toBe("the database cannot be written right now; try again later");
  expect(refused.text).not.toMatch(/SQLITE|disk-pkg|\/app\/lib/);
  const scan = await api(serve.url, "POST", "/v1/scans", { package: "disk-pkg", version: "1.0.1" });
  expect(scan.status).toBe(503);
  expect(scan.json.error).toBe("the database cannot be written right now; try again later");
  // Reads still answer.
  expect((await api(serve.url, "GET", `/v1/runs/${runId}`)).json.run.events_count).toBe(100);
  const log = serve.log();
  expect(log).not.toContain("cannot rollback");
  expect(log.match(/database unwritable: the disk holding the database is full/g)?.length).toBe(1);
  expect(log).not.toContain("internal error");

  rmSync(filler);
  // What the runner's spool re-sends after the 503 is stored once, and the run ends normally.
  expect((await r.batch(runId, 1, events(100, 3000))).json).toEqual({ stored: 3000, duplicate: false });
  const fin = await r.finish(runId, { events_sent: 3100 });
  expect(fin.status).toBe(200);
  expect(fin.json.verdict).toBe("seeded");
  console.log(`faults: full disk: 0 events lost (100 + 3000 stored), run terminal ${((Date.now() - t0) / 1000).toFixed(1)}s after the disk filled (space freed at once)`);
  expect((await api(serve.url, "GET", `/v1/runs/${runId}`)).json.run.events_count).toBe(3100);
  expect(serve.log()).toMatch(/database writable again after \d+s \(the disk holding the database is full\)/);
});

test("a read-only database (PostgreSQL default_transaction_read_only): 503 with the same safe message, one clear line, writes work again after", async () => {
  const url = await createTestDatabase("faults");
  const pgServe = await startServe({ db: url });
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: pgUrl() });
  await admin.connect();
  // New sessions are read-only; the orchestrator's pooled ones are ended so it reconnects into that.
  const setReadOnly = async (on: boolean) => {
    await admin.query(`ALTER DATABASE ${name} SET default_transaction_read_only = ${on ? "on" : "off"}`);
    await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name]);
  };
  try {
    expect((await api(pgServe.url, "POST", "/v1/scans", { package: "ro-pkg", version: "1.0.0" })).status).toBe(201);
    // Until a write works: every refusal is a 503 with the safe message, never a 500.
    const writeUntil = async (want: number, version: string) => {
      const seen: number[] = [];
      for (let i = 0; i < 12; i++) {
        const r = await api(pgServe.url, "POST", "/v1/scans", { package: "ro-pkg", version });
        seen.push(r.status);
        if (r.status !== want) {
          expect(r.status).toBe(503);
          expect(r.json.error).toBe("the database cannot be written right now; try again later");
          expect(r.text).not.toMatch(/read-only transaction|ro-pkg|INSERT|terminat/);
        }
        if (r.status === want) return seen;
      }
      throw new Error(`no ${want} in ${seen.join(", ")}`);
    };
    await setReadOnly(true);
    for (let i = 0; i < 3; i++) {
      const r = await api(pgServe.url, "POST", "/v1/scans", { package: "ro-pkg", version: `1.0.${i + 1}` });
      expect(r.status).toBe(503);
      expect(r.json.error).toBe("the database cannot be written right now; try again later");
    }
    expect((await api(pgServe.url, "GET", "/v1/runs?package=ro-pkg")).json.runs).toHaveLength(1);
    await setReadOnly(false);
    const seen = await writeUntil(201, "1.0.9");
    const log = pgServe.log();
    console.log(`faults: read-only database: statuses after rw again ${seen.join(",")}; ${log.split("\n").filter((l) => /database (unwritable|writable again)/.test(l)).join(" | ")}`);
    expect(log.match(/database unwritable: the database (is read-only|connection was lost)/g)?.length).toBe(1);
    expect(log).toMatch(/database writable again after \d+s \(the database (is read-only|connection was lost)\)/);
    expect(log).not.toContain("cannot rollback");
    expect(log).not.toContain("internal error");
  } finally {
    await admin.end();
    await pgServe.stop();
    await dropTestDatabase(url);
  }
});
