// Which versions the watcher queues from one packument (pure function).
import { expect, test } from "bun:test";
import { newVersions } from "./watcher.ts";

const doc = (latest: string, versions: string[], time?: Record<string, string>) => ({
  name: "p",
  "dist-tags": { latest },
  versions: Object.fromEntries(versions.map((v) => [v, {}])),
  ...(time && { time }),
});
const pkg = (last: string | null) => ({ last_seen_version: last, added_at: Date.parse("2026-01-01T00:00:00Z") });

test.each([
  ["same latest: nothing", pkg("1.0.0"), doc("1.0.0", ["0.9.0", "1.0.0"]), false, []],
  ["new latest", pkg("1.0.0"), doc("1.1.0", ["1.0.0", "1.1.0"]), false, ["1.1.0"]],
  ["never seen: latest", pkg(null), doc("2.0.0", ["1.0.0", "2.0.0"]), false, ["2.0.0"]],
  ["latest not among versions (corrupt doc): nothing", pkg("1.0.0"), doc("9.9.9", ["1.0.0"]), false, []],
  ["latest moved back: queued (the releases table dedups)", pkg("2.0.0"), doc("1.0.0", ["1.0.0", "2.0.0"]), false, ["1.0.0"]],
  ["all versions, publication order", pkg("1.0.0"), doc("1.2.0", ["1.0.0", "1.1.0-beta", "1.1.0", "1.2.0"]), true, ["1.1.0-beta", "1.1.0", "1.2.0"]],
  [
    "all versions by time",
    pkg("1.0.0"),
    doc("1.1.0", ["1.1.0", "1.0.0", "0.9.1"], { "1.0.0": "2026-02-01T00:00:00Z", "0.9.1": "2026-03-01T00:00:00Z", "1.1.0": "2026-04-01T00:00:00Z" }),
    true,
    ["0.9.1", "1.1.0"],
  ],
] as const)("%s", (_name, p, d, all, want) => {
  expect(newVersions(p, d as never, all)).toEqual([...want]);
});
