// Whole-number flags (-limit, -concurrency, -days, -memory, -ring-bytes…):
// one valibot schema and one message format for all of them,
//   Error: -limit must be a whole number from 1 to 100000 (got "ten")
//   Try: -limit 20
import * as v from "valibot";
import { FangsError } from "../core/errors.ts";

export interface IntFlag { name: string; min: number; max: number; example: number }

/** The flag's value, or undefined when it was not given. */
export function intFlag(raw: unknown, f: IntFlag): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  const schema = v.pipe(v.string(), v.regex(/^\d{1,15}$/), v.transform(Number), v.minValue(f.min), v.maxValue(f.max));
  const r = v.safeParse(schema, String(raw));
  if (!r.success) throw new FangsError(`-${f.name} must be a whole number from ${f.min} to ${f.max} (got ${JSON.stringify(String(raw))})`, { hint: `-${f.name} ${f.example}` });
  return r.output;
}
