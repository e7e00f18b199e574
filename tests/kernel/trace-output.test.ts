// `fangs sensor trace` for people: attacker-chosen bytes in a path (escape
// sequences, newlines) must come out escaped, one event per line, and -duration
// ends the trace with the summary line.
import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import { fangsBin, tempDir } from "../lib/env.ts";
import { makeCgroup, runIn, workload } from "./helpers.ts";

const cg = makeCgroup("trace-out");
afterAll(() => cg.remove());

test("terminal output escapes control characters and ends with a summary", async () => {
  const evil = join(tempDir("fangs-trace-"), "x\x1b[2J\nforged 1 2 exec /bin/evil");
  const proc = Bun.spawn([fangsBin(), "sensor", "trace", "-cgroup", cg.path, "-duration", "3s"], { stdout: "pipe", stderr: "pipe" });
  const err = proc.stderr.getReader();
  let stderr = "";
  while (!stderr.includes("watching cgroup")) {
    const r = await err.read();
    if (r.done) throw new Error(`trace exited early: ${stderr}`);
    stderr += new TextDecoder().decode(r.value);
  }
  runIn(cg.path, [workload(), "open", evil]);
  const out = await new Response(proc.stdout).text();
  expect(await proc.exited).toBe(0);
  expect(out).not.toContain("\x1b");
  const line = out.split("\n").find((l) => l.includes("read ") && l.includes("forged"));
  expect(line).toContain("x\\u001b[2J\\u000aforged 1 2 exec /bin/evil");
  expect(out.split("\n").filter((l) => l.startsWith("forged"))).toEqual([]);
  expect(out.trimEnd().split("\n").pop()).toMatch(/^summary: \d+ events \(.*file \d+.*\), kernel \d+, aggregated \d+, dropped 0, .*probes active: .*sys_enter_openat/);
}, 20_000);
