// The decoder's offsets (src/events/opcodes.ts) against the structs compiled
// into the shim the executable embeds (bpf/events.h via native/layout.c).
import { expect, test } from "bun:test";
import { fangs } from "../lib/env.ts";
import { FLAG, FOPS, LAYOUT, OP, PATHF, PAYLOAD, SOURCES } from "../../src/events/opcodes.ts";
import { expectedEnums } from "../../src/cli/sensor/layout.ts";

test("decoder sizes, offsets and enum tables match the compiled wire contract", () => {
  const r = fangs(["sensor", "layout", "--json"]);
  expect(r.stderr).toBe("");
  const { compiled, mismatches } = JSON.parse(r.stdout);
  expect(mismatches).toEqual([]);
  for (const [struct, fields] of Object.entries(LAYOUT)) expect(compiled[struct]).toEqual(fields);
  // opcodes, sources, flags: every TS table entry has its C constant and value
  expect(compiled.enums).toEqual(expectedEnums());
  const tables = [OP, FLAG, PAYLOAD, PATHF, FOPS].reduce((n, t) => n + Object.keys(t).length, 0);
  expect(Object.keys(compiled.enums).length).toBe(tables + (SOURCES.length - 1));
  // every record the decoder reads has its struct in the compiled list
  for (const s of ["fangs_exec_ev", "fangs_file_ev", "fangs_fork_ev", "fangs_exit_ev", "fangs_socket_ev", "fangs_fileop_ev", "fangs_counters"]) expect(compiled[s]?.size).toBeGreaterThan(0);
  expect(r.code).toBe(0);
});
