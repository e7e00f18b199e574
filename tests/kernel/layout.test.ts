// The decoder's offsets (src/events/opcodes.ts) against the structs compiled
// into the shim the executable embeds (bpf/events.h via native/layout.c).
import { expect, test } from "bun:test";
import { fangs } from "../lib/env.ts";
import { LAYOUT } from "../../src/events/opcodes.ts";

test("decoder sizes and offsets match the compiled wire structs", () => {
  const r = fangs(["sensor", "layout", "--json"]);
  expect(r.stderr).toBe("");
  const { compiled, mismatches } = JSON.parse(r.stdout);
  expect(mismatches).toEqual([]);
  for (const [struct, fields] of Object.entries(LAYOUT)) expect(compiled[struct]).toEqual(fields);
  expect(r.code).toBe(0);
});
