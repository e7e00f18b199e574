// `-enabled=false` / `-enabled false` / `-enabled` / `-no-enabled`. citty's
// boolean type reads `--enabled=0` as true and leaves `--enabled false` as a
// positional, so the flag is a string and parsed here, strictly.
import { FangsError } from "../../core/errors.ts";

export function parseEnabled(raw: unknown, dflt = true): boolean {
  if (raw === undefined) return dflt;
  if (raw === true || raw === "" || raw === "true") return true;
  if (raw === false || raw === "false") return false;
  throw new FangsError(`-enabled takes true or false (got ${JSON.stringify(raw)})`, { hint: "-enabled=false" });
}
