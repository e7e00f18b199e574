// `fangs sensor layout`: sizes and offsets of the wire structs as compiled into
// the embedded shim, next to the decoder's table, and whether they agree. The
// layout kernel test uses it to check the executable that ships.
import { command, JSON_ARG } from "../command.ts";
import { printJson } from "../output.ts";
import { nativeLayout } from "../../sensor/ffi.ts";
import { LAYOUT } from "../../events/opcodes.ts";
import { FangsError } from "../../core/errors.ts";

export function layoutMismatches(compiled: Record<string, Record<string, number>>): string[] {
  const out: string[] = [];
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
