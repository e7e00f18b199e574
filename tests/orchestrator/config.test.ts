// Start-up and stop of `fangs serve`: the YAML allowlist is synced into the DB
// with cfg… ids at start, settings follow flag > env > YAML, a malformed
// config is one clear error, SIGINT stops cleanly with exit 0.
import { expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { writeFileSync } from "node:fs";
import { startServe } from "./lib.ts";
import { fangsAsync } from "./lib.ts";
import { tempDir } from "../lib/env.ts";

const YAML = `poll-interval: 7m
allowlist:
  - kind: cidr
    value: 192.0.2.0/24
    note: documentation range
  - kind: sni
    value: telemetry.example
    package: some-pkg
`;

test("YAML allowlist synced at start with cfg ids; flag beats env beats YAML; SIGINT exits 0", async () => {
  const dir = tempDir("fangs-cfg-");
  let s = await startServe({ dir, yaml: YAML });
  try {
    expect(s.log()).toContain("poll every 420s"); // YAML
    const db = new Database(s.db, { readonly: true });
    const rows = db.query("SELECT id, kind, value, package, source FROM allowlist ORDER BY kind").all() as Array<{ id: string; kind: string; value: string; package: string | null; source: string }>;
    const audits = (db.query("SELECT count(*) AS n FROM audit_log WHERE action = 'allow.add'").get() as { n: number }).n;
    db.close();
    expect(rows.map((r) => [r.kind, r.value, r.package, r.source])).toEqual([
      ["cidr", "192.0.2.0/24", null, "config"],
      ["sni", "telemetry.example", "some-pkg", "config"],
    ]);
    expect(rows.every((r) => r.id.startsWith("cfg"))).toBe(true);
    expect(audits).toBe(2);
  } finally {
    expect(await s.stop("SIGINT")).toBe(0);
  }
  expect(s.log()).toContain("SIGINT: shutting down");

  // Env over YAML, then flag over env; an entry removed from YAML leaves the DB.
  s = await startServe({ dir, yaml: "allowlist:\n  - kind: cidr\n    value: 192.0.2.0/24\n", env: { FANGS_POLL_INTERVAL: "2m" } });
  try {
    expect(s.log()).toContain("poll every 120s");
  } finally {
    expect(await s.stop()).toBe(0);
  }
  const db = new Database(`${dir}/fangs.db`, { readonly: true });
  expect((db.query("SELECT count(*) AS n FROM allowlist").get() as { n: number }).n).toBe(1);
  db.close();
  s = await startServe({ dir, env: { FANGS_POLL_INTERVAL: "2m" }, args: ["-poll-interval", "90s"] });
  try {
    expect(s.log()).toContain("poll every 90s");
  } finally {
    expect(await s.stop()).toBe(0);
  }
});

test("a malformed config or a bad flag is one line with a hint, exit 1", async () => {
  const dir = tempDir("fangs-cfg-bad-");
  writeFileSync(`${dir}/bad.yaml`, "allowlist: [ {kind: cidr, value: nonsense} ]\n");
  const bad = await fangsAsync(["serve", "-listen", "127.0.0.1:0", "-db", `${dir}/f.db`, "-config", `${dir}/bad.yaml`]);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/^Error: config allowlist entry cidr=nonsense: .*\nTry: fix config\/orchestrator.yaml\n$/);
  writeFileSync(`${dir}/ok.yaml`, "allowlist: []\n");
  const flag = await fangsAsync(["serve", "-listen", "127.0.0.1:0", "-db", `${dir}/f.db`, "-config", `${dir}/ok.yaml`, "-poll-interval", "soon"]);
  expect(flag.code).toBe(1);
  expect(flag.stderr).toContain("Error: flag -poll-interval: not a duration: soon");
  const unknown = await fangsAsync(["serve", "-listen", "127.0.0.1:0", "-config", `${dir}/ok.yaml`, "-polling", "1s"]);
  expect(unknown.stderr).toContain("Error: unknown flag -polling");
  const open = await fangsAsync(["serve", "-listen", "0.0.0.0:0", "-db", `${dir}/f.db`, "-config", `${dir}/ok.yaml`]);
  expect(open.code).toBe(1);
  expect(open.stderr).toContain("refusing to listen on non-loopback");
});
