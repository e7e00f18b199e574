import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tar } from "./tar.ts";

// Round trip through the system's tar: what we write, GNU tar reads back.
test("tar archive extracts with GNU tar: files, modes, dirs, symlinks, long PAX names", () => {
  const long = "a/" + "deep-directory-name/".repeat(8) + "file-with-a-long-name.js";
  const archive = tar([
    { type: "dir", path: "root", mode: 0o700 },
    { type: "file", path: "root/.npmrc", mode: 0o600, data: "token=x\n" },
    { type: "symlink", path: "sh", target: "busybox" },
    { type: "file", path: long, data: "long\n" },
  ]);
  expect(archive.length % 512).toBe(0);
  const dir = mkdtempSync(join(tmpdir(), "fangs-tar-"));
  const p = Bun.spawnSync(["tar", "-x", "-C", dir], { stdin: archive });
  expect(p.stderr.toString()).toBe("");
  expect(p.exitCode).toBe(0);
  expect(readFileSync(join(dir, "root/.npmrc"), "utf8")).toBe("token=x\n");
  expect(statSync(join(dir, "root/.npmrc")).mode & 0o777).toBe(0o600);
  expect(statSync(join(dir, "root")).mode & 0o777).toBe(0o700);
  expect(readlinkSync(join(dir, "sh"))).toBe("busybox");
  expect(readFileSync(join(dir, long), "utf8")).toBe("long\n");
});
