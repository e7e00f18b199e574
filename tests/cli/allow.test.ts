// `fangs allow add|list|remove`, config-managed entries, and the failure
// modes every command shares: malformed YAML, corrupt or locked database.
import { describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expectOneLineError, fangsAsync, freshDb, withStore } from "./helpers.ts";
import { tempDir } from "../lib/env.ts";

describe("allow", () => {
  test("add (Go- and GNU-style flags), list, remove by prefix", async () => {
    const db = freshDb();
    const a = JSON.parse((await fangsAsync(["allow", "add", "-kind", "cidr", "-value", "198.51.100.0/24", "-note", "internal", "--json", "-db", db])).stdout);
    const b = JSON.parse((await fangsAsync(["allow", "add", "--kind", "sni", "--value", "telemetry.example", "--package", "axios", "--json", "--db", db])).stdout);
    expect(a).toMatchObject({ kind: "cidr", value: "198.51.100.0/24", package: null, note: "internal", source: "cli" });
    expect(b).toMatchObject({ kind: "sni", package: "axios" });
    const list = JSON.parse((await fangsAsync(["allow", "list", "--json", "-db", db])).stdout);
    expect(list.map((e: { id: string }) => e.id)).toEqual([a.id, b.id]);
    const rm = await fangsAsync(["allow", "remove", a.id.slice(0, 7), "-db", db]);
    expect(rm.stdout).toContain(`removed allowlist entry ${a.id}`);
    expect(JSON.parse((await fangsAsync(["allow", "list", "--json", "-db", db])).stdout)).toEqual([expect.objectContaining({ id: b.id })]);
    const audit = await withStore(db, (s) => s.selectFrom("audit_log").select(["action", "actor"]).execute());
    expect(audit.map((x) => x.action).sort()).toEqual(["allow.add", "allow.add", "allow.remove"]);
    expect(audit.every((x) => x.actor.startsWith("cli:"))).toBe(true);
  });

  test("add stores a path entry in the normalized form it is matched in, and says so", async () => {
    const db = freshDb();
    const r = await fangsAsync(["allow", "add", "-kind", "path", "-value", "/root/.cache/node-gyp/20.11.1/**", "-db", db]);
    expect(r.stdout).toContain("path /root/.cache/node-gyp/<ver>/** (global)");
    expect(r.stdout).toContain("stored as /root/.cache/node-gyp/<ver>/** (normalized like the fingerprints it matches; typed /root/.cache/node-gyp/20.11.1/**)");
    const same = await fangsAsync(["allow", "add", "-kind", "sni", "-value", "*.telemetry.example", "-db", db]);
    expect(same.stdout).not.toContain("stored as");
    const list = JSON.parse((await fangsAsync(["allow", "list", "--json", "-db", db])).stdout);
    expect(list.map((e: { value: string }) => e.value)).toEqual(["/root/.cache/node-gyp/<ver>/**", "*.telemetry.example"]);
    expectOneLineError(await fangsAsync(["allow", "add", "-kind", "path", "-value", "/**", "-db", db]), /would suppress every file/);
  });

  test.each([
    [["-kind", "cidr", "-value", "10.0.0.0/33"], /not a CIDR block/],
    [["-kind", "cidr", "-value", "not-an-ip"], /not a CIDR block/],
    [["-kind", "ip", "-value", "1.2.3.4"], /unknown allowlist kind/],
    [["-kind", "path", "-value", "relative/"], /must be absolute/],
    [["-kind", "sni", "-value", "bad host"], /not a host name/],
    [["-value", "1.2.3.4"], /missing -kind/],
    [["-kind", "sni", "-value", "x.example", "-package", "Bad Pkg"], /bad -package/],
  ])("add %p is refused and writes nothing", async (args, err) => {
    const db = freshDb();
    expectOneLineError(await fangsAsync(["allow", "add", ...(args as string[]), "-db", db]), err as RegExp);
    expect(JSON.parse((await fangsAsync(["allow", "list", "--json", "-db", db])).stdout)).toEqual([]);
  });

  test("ambiguous and unknown prefixes", async () => {
    const db = freshDb();
    await withStore(db, async (s) => {
      for (const id of ["ab12000000000000", "ab34000000000000"]) await s.insertInto("allowlist").values({ id, kind: "path", value: "/x/", package: null, note: null, source: "cli", created_at: 1 }).execute();
    });
    expectOneLineError(await fangsAsync(["allow", "remove", "ab", "-db", db]), /ambiguous: matches ab12000000000000, ab34000000000000/);
    expectOneLineError(await fangsAsync(["allow", "remove", "cd", "-db", db]), /allow cd not found/);
    expect(JSON.parse((await fangsAsync(["allow", "list", "--json", "-db", db])).stdout)).toHaveLength(2);
  });

  test("config-managed entries: cfg ids, stable across syncs, gone when removed from the YAML, not removable by CLI", async () => {
    const dir = tempDir("fangs-cfg-");
    const db = join(dir, "fangs.db");
    const cfg = join(dir, "orchestrator.yaml");
    writeFileSync(cfg, "allowlist:\n  - kind: cidr\n    value: 203.0.113.0/24\n    note: lab\n  - kind: path\n    value: /opt/vendor/\n    package: axios\n");
    const first = JSON.parse((await fangsAsync(["allow", "list", "--json", "-db", db, "-config", cfg])).stdout);
    expect(first).toHaveLength(2);
    expect(first.every((e: { id: string; source: string }) => /^cfg[0-9a-f]{13}$/.test(e.id) && e.source === "config")).toBe(true);
    const again = JSON.parse((await fangsAsync(["allow", "list", "--json", "-db", db], { FANGS_CONFIG: cfg })).stdout);
    expect(again.map((e: { id: string }) => e.id)).toEqual(first.map((e: { id: string }) => e.id));
    expectOneLineError(await fangsAsync(["allow", "remove", first[0].id.slice(0, 6), "-db", db, "-config", cfg]), /comes from the config file/);
    // Without the config file (another working directory), nothing config-managed is touched.
    expect(JSON.parse((await fangsAsync(["allow", "list", "--json", "-db", db])).stdout)).toHaveLength(2);
    writeFileSync(cfg, "allowlist:\n  - kind: path\n    value: /opt/vendor/\n    package: axios\n");
    const after = JSON.parse((await fangsAsync(["allow", "list", "--json", "-db", db, "-config", cfg])).stdout);
    expect(after.map((e: { value: string }) => e.value)).toEqual(["/opt/vendor/"]);
  });
});

describe("a broken environment gives one clear line and writes nothing", () => {
  test.each([
    ["YAML syntax", "allowlist: [\n  - kind: cidr\n", /malformed config/],
    ["bad allowlist entry", "allowlist:\n  - kind: dns\n    value: x\n", /allowlist\[0\] needs kind/],
    ["bad CIDR in config", "allowlist:\n  - kind: cidr\n    value: 10.0.0.0/40\n", /not a CIDR block/],
  ])("malformed config: %s", async (_n, yaml, err) => {
    const dir = tempDir("fangs-cfg-");
    const cfg = join(dir, "orchestrator.yaml");
    writeFileSync(cfg, yaml);
    const db = join(dir, "fangs.db");
    expectOneLineError(await fangsAsync(["allow", "list", "-db", db, "-config", cfg]), err);
    expectOneLineError(await fangsAsync(["baseline", "promote", "abc", "-db", db, "-config", cfg]), /malformed config|not found|not a CIDR/);
  });

  test("corrupt database file", async () => {
    const db = join(tempDir("fangs-corrupt-"), "fangs.db");
    writeFileSync(db, Buffer.alloc(8192, 0x5a));
    expectOneLineError(await fangsAsync(["pending", "-db", db]), /cannot open database|not a database|file is not a database/);
    expectOneLineError(await fangsAsync(["allow", "add", "-kind", "path", "-value", "/x/", "-db", db]), /database/);
  });

  test("locked database: the write fails cleanly, nothing half-written", async () => {
    const db = freshDb();
    await withStore(db, async () => {});
    const holder = new Database(db);
    holder.exec("PRAGMA busy_timeout = 0");
    holder.exec("BEGIN EXCLUSIVE");
    try {
      const r = await fangsAsync(["allow", "add", "-kind", "path", "-value", "/x/", "-db", db]);
      expectOneLineError(r, /locked|busy/i);
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
    }
    expect(JSON.parse((await fangsAsync(["allow", "list", "--json", "-db", db])).stdout)).toEqual([]);
    const audit = await withStore(db, (s) => s.selectFrom("audit_log").selectAll().execute());
    expect(audit).toEqual([]);
  }, 30_000);
});
