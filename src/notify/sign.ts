// HMAC-SHA256 over the exact bytes sent, so a receiver holding the same
// secret can tell our messages from forged ones (threat model: "forged
// alerts"). The secret is read from the named environment variable at send
// time: the database holds only the variable's name.
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "X-FANGS-Signature";

export function sign(secret: string, body: string): string {
  return "sha256=" + createHmac("sha256", secret).update(body, "utf8").digest("hex");
}

/** What a receiver does (and what our tests do): constant-time compare. */
export function verify(secret: string, body: string, header: string | null): boolean {
  if (!header) return false;
  const want = Buffer.from(sign(secret, body));
  const got = Buffer.from(header);
  return got.length === want.length && timingSafeEqual(got, want);
}

export type SecretLookup = (name: string) => string | undefined;

/** The secret for a target, or why it cannot be signed. Never the value in errors. */
export function readSecret(envName: string, env: SecretLookup = (n) => process.env[n]): { secret?: string; error?: string } {
  const v = env(envName);
  if (v === undefined || v === "") return { error: `environment variable ${envName} (the HMAC secret) is not set in this process; message not sent unsigned` };
  return { secret: v };
}
