// Secret comparison that takes the same time whatever the input: both sides
// are hashed first, so timingSafeEqual always sees equal-length digests and
// neither the secret's length nor its prefix leaks through timing.
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

export function secretEquals(given: string | undefined | null, expected: string): boolean {
  if (typeof given !== "string") {
    timingSafeEqual(digest(expected), digest(expected)); // same work on the missing-credential path
    return false;
  }
  return timingSafeEqual(digest(given), digest(expected));
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined | null): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m?.[1];
}
