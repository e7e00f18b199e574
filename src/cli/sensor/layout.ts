// `fangs sensor layout`: sizes and offsets of the wire structs as compiled into
// the embedded shim, next to the decoder's table, and whether they agree. The
// layout kernel test uses it to check the executable that ships.
import { command, JSON_ARG } from "../command.ts";
import { printJson } from "../output.ts";
import { nativeLayout } from "../../sensor/ffi.ts";
import { FLAG, FOPS, LAYOUT, OP, PATHF, PAYLOAD, SOURCES } from "../../events/opcodes.ts";
import { FangsError } from "../../core/errors.ts";

/** The C enum constants the TS tables stand for: FANGS_SRC_<SOURCE NAME> etc. */
export function expectedEnums(): Record<string, number> {
  const e: Record<string, number> = {};
  for (const [k, v] of Object.entries(OP)) e[`FANGS_OP_${k}`] = v;
  SOURCES.forEach((name, i) => {
    if (i > 0) e[`FANGS_SRC_${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`] = i;
  });
  for (const [k, v] of Object.entries(FLAG)) e[`FANGS_F_${k}`] = v;
  for (const [k, v] of Object.entries(PAYLOAD)) e[`FANGS_PAYLOAD_${k}`] = v;
  for (const [k, v] of Object.entries(PATHF)) e[`FANGS_P_${k}`] = v;
  for (const [k, v] of Object.entries(FOPS)) e[`FANGS_FOP_${k}`] = v;
  return e;
}

export function layoutMismatches(compiled: Record<string, Record<string, number>>): string[] {
  const out: string[] = [];
  const enums = expectedEnums();
  for (const name of new Set([...Object.keys(enums), ...Object.keys(compiled.enums ?? {})])) {
    if (enums[name] !== compiled.enums?.[name]) out.push(`${name}: decoder ${enums[name] ?? "missing"}, compiled ${compiled.enums?.[name] ?? "missing"}`);
  }
  for (const [struct, fields] of Object.entries(LAYOUT)) {
    for (const [field, off] of Object.entries(fields)) {
      const c = compiled[struct]?.[field];
      if (c !== off) out.push(`${struct}.${field}: decoder ${off}, compiled ${c ?? "missing"}`);
    }
  }
  return out;
}

export default command({
  meta: { name: "layout", description: "wire struct sizes/offsets: compiled shim vs decoder" },
  args: { ...JSON_ARG },
  run(ctx) {
    const compiled = nativeLayout();
    const mismatches = layoutMismatches(compiled);
    if (ctx.args.json) printJson({ compiled, decoder: LAYOUT, mismatches });
    else for (const [s, f] of Object.entries(compiled)) process.stdout.write(`${s}: ${Object.entries(f).map(([k, v]) => `${k}=${v}`).join(" ")}\n`);
    if (mismatches.length) throw new FangsError(`decoder layout differs from the compiled structs: ${mismatches.join("; ")}`, { hint: "update LAYOUT in src/events/opcodes.ts to match bpf/events.h" });
  },
});
