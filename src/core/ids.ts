// Random lowercase-hex ids, and git-style unique-prefix lookup over them.
import { FangsError, NotFoundError } from "./errors.ts";

export function newId(bytes = 8): string {
  const b = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

const PREFIX = /^[0-9a-z]{1,64}$/;

/** Pick the one candidate whose id starts with `prefix`, or say why not. */
export function resolvePrefix<T extends { id: string }>(what: string, prefix: string, candidates: T[]): T {
  const p = prefix.trim().toLowerCase();
  if (!PREFIX.test(p)) throw new FangsError(`invalid ${what} id ${JSON.stringify(prefix)}: expected hex characters`);
  const hits = candidates.filter((c) => c.id.startsWith(p));
  if (hits.length === 1) return hits[0];
  if (hits.length === 0) throw new NotFoundError(`${what} ${p}`, `list them with: fangs ${what === "run" ? "run list" : what + " list"}`);
  const shown = hits.slice(0, 10).map((h) => h.id).join(", ");
  throw new FangsError(`${what} id prefix ${p} is ambiguous: matches ${shown}${hits.length > 10 ? ", …" : ""}`, {
    hint: "give more characters of the id",
  });
}
