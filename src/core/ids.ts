// Random lowercase-hex ids, and git-style unique-prefix lookup over them.
import { FangsError, NotFoundError } from "./errors.ts";

export function newId(bytes = 8): string {
  const b = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

const PREFIX = /^[0-9a-z]{1,64}$/;

/** Pick the one candidate whose id starts with `prefix`, or say why not. */
export function resolvePrefix<T extends { id: string }>(what: string, prefix: string, candidates: T[]): T {
  const p = idPrefix(what, prefix);
  const hits = candidates.filter((c) => c.id.startsWith(p));
  if (hits.length === 1) return hits[0];
  if (hits.length === 0) throw notFound(what, p);
  const shown = hits.slice(0, 10).map((h) => h.id).join(", ");
  throw new FangsError(`${what} id prefix ${p} is ambiguous: matches ${shown}${hits.length > 10 ? ", …" : ""}`, {
    hint: "give more characters of the id",
  });
}

const notFound = (what: string, p: string) => new NotFoundError(`${what} ${p}`, `list them with: fangs ${what === "run" ? "run list" : what + " list"}`);

/** The prefix as a lookup uses it (trimmed, lower case), or the error the lookup would give. */
export function idPrefix(what: string, prefix: string): string {
  const p = prefix.trim().toLowerCase();
  if (!PREFIX.test(p)) throw new FangsError(`invalid ${what} id ${JSON.stringify(prefix)}: expected hex characters`);
  return p;
}

/** For a lookup elsewhere (the CLI in remote mode asking the API): the prefix, or
 *  the error the database lookup gives, including "not found" for a prefix no
 *  id (`idHexChars` lowercase hex characters, as newId makes them) can start with. */
export function hexIdPrefix(what: string, prefix: string, idHexChars = 16): string {
  const p = idPrefix(what, prefix);
  if (p.length > idHexChars || !/^[0-9a-f]+$/.test(p)) throw notFound(what, p);
  return p;
}
