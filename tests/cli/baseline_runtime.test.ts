// `fangs baseline list -runtime`: the runtime baseline per sandbox image id.
import { expect, test } from "bun:test";
import { fangsAsync, freshDb, withStore } from "./helpers.ts";

test("baseline list -runtime shows each image's rows, table and JSON, filtered by image id prefix", async () => {
  const db = freshDb();
  expect((await fangsAsync(["baseline", "list", "-runtime", "-db", db])).stdout).toContain("no runtime baseline yet");
  await withStore(db, async (s) => {
    const { saveRuntimeBaseline } = await import("../../src/store/runtime.ts");
    await saveRuntimeBaseline(s, "sha256:0123456789abcdef", [{ category: "fs_new_path_read", actor: "script:*:node", value: "/etc/ld.so.cache" }], "runner:a");
    await saveRuntimeBaseline(s, "sha256:fedcba9876543210", [{ category: "proc_new_exec", actor: "script:*:sh", value: "/usr/bin/node" }, { category: "fs_new_path_read", actor: "import:node", value: "/etc/ssl/openssl.cnf" }], "runner:b");
  });
  const table = (await fangsAsync(["baseline", "list", "-runtime", "-db", db])).stdout;
  expect(table).toContain("0123456789ab");
  expect(table).toContain("script:*:node");
  const one = JSON.parse((await fangsAsync(["baseline", "list", "-runtime", "-image", "sha256:fedc", "--json", "-db", db])).stdout);
  expect(one).toEqual([
    expect.objectContaining({ image_id: "sha256:fedcba9876543210", phase: "import", category: "fs_new_path_read", actor: "import:node", value: "/etc/ssl/openssl.cnf" }),
    expect.objectContaining({ image_id: "sha256:fedcba9876543210", phase: "install", category: "proc_new_exec", actor: "script:*:sh", value: "/usr/bin/node", learned_by: "runner:b" }),
  ]);
  // Without -runtime the package is still required.
  const r = await fangsAsync(["baseline", "list", "-db", db]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("Try: fangs baseline list -package lodash (or -runtime)");
});
