// The decoder's offsets (src/events/opcodes.ts) against the structs compiled
// into the shim the executable embeds (bpf/events.h via native/layout.c).
import { expect, test } from "bun:test";
import { fangs } from "../lib/env.ts";
import { LAYOUT, SOURCES } from "../../src/events/opcodes.ts";
import { expectedEnums } from "../../src/cli/sensor/layout.ts";

test("decoder sizes, offsets and enum tables match the compiled wire contract", () => {
  const r = fangs(["sensor", "layout", "--json"]);
  expect(r.stderr).toBe("");
  const { compiled, mismatches } = JSON.parse(r.stdout);
  expect(mismatches).toEqual([]);
  for (const [struct, fields] of Object.entries(LAYOUT)) expect(compiled[struct]).toEqual(fields);
  // opcodes, sources, flags: every TS table entry has its C constant and value
  expect(compiled.enums).toEqual(expectedEnums());
  expect(Object.keys(compiled.enums).length).toBe(6 + (SOURCES.length - 1) + 4);
  expect(r.code).toBe(0);
});
