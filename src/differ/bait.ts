// Bait exfiltration: a run's planted credentials (random per run,
// src/runner/bait.ts) found in a string the sensor captured — a DNS name, an
// SNI, a path, an exec's file name or argv, a unix socket address. No honest
// install writes someone's npm token into a DNS label, so any hit is critical.
//
// Encodings looked for, each case-insensitively (DNS folds case, and a
// lower-cased base64 run of 20+ characters still cannot occur by chance):
// the value itself, hex, base64/base64url at each of the three byte
// alignments (the token inside a bigger encoded blob, e.g. the whole .npmrc)
// and base32 at each of the five (DNS-safe, the natural choice for DNS
// exfiltration). Names and argv are also compared with everything but
// letters and digits removed, so a value split across DNS labels (63
// characters at most each) or broken up with dashes or spaces is found too.
// Not found: encryption, XOR, compression, reversal — and anything sent in
// a request body, which the sensor does not capture.
import type { FangsEvent } from "../events/types.ts";

export interface BaitNeedle { value: number; encoding: "plain" | "hex" | "base64" | "base32"; text: string }

/** Shorter values (or encodings) are not looked for: too likely by chance. */
const MIN_NEEDLE = 12;
/** What the loose comparison drops from both sides. */
const LOOSE = /[^a-z0-9]/g;

/** Base64 of `bytes` as it appears at byte offset k (mod 3) of a longer blob: only characters that depend on `bytes` alone. */
function base64At(bytes: Uint8Array, k: number): string {
  const padded = new Uint8Array(k + bytes.length);
  padded.set(bytes, k);
  const full = Buffer.from(padded).toString("base64").replace(/=+$/, "");
  const skip = k === 0 ? 0 : k === 1 ? 2 : 3;
  const end = Math.floor((k + bytes.length) / 3) * 4;
  return full.slice(skip, end);
}

const B32 = "abcdefghijklmnopqrstuvwxyz234567";

/** Base32 (RFC 4648, lower case) of `bytes` at byte offset k (mod 5) of a longer blob: only characters that depend on `bytes` alone. */
function base32At(bytes: Uint8Array, k: number): string {
  let bits = 0;
  let acc = 0;
  let out = "";
  // k unknown bytes first: each character covers 5 bits; skip those touching them.
  const all = [...new Array(k).fill(0), ...bytes];
  for (const b of all) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32[(acc >> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  const skip = Math.ceil((k * 8) / 5);
  return out.slice(skip);
}

export function baitNeedles(values: readonly string[]): BaitNeedle[] {
  const out: BaitNeedle[] = [];
  const seen = new Set<string>();
  const push = (value: number, encoding: BaitNeedle["encoding"], text: string) => {
    const t = text.toLowerCase();
    if (t.length >= MIN_NEEDLE && !seen.has(t)) { seen.add(t); out.push({ value, encoding, text: t }); }
  };
  values.forEach((v, i) => {
    const bytes = new TextEncoder().encode(v);
    push(i, "plain", v);
    push(i, "hex", Buffer.from(bytes).toString("hex"));
    for (let k = 0; k < 3; k++) {
      const b = base64At(bytes, k);
      push(i, "base64", b);
      push(i, "base64", b.replace(/\+/g, "-").replace(/\//g, "_"));
    }
    for (let k = 0; k < 5; k++) push(i, "base32", base32At(bytes, k));
  });
  return out;
}

/**
 * Calls `each` with the captured strings of an event that can carry a value
 * out or stage it: names, exec file names and argv, unix addresses, and the
 * paths of files written (a read path never leaves the box and is by far
 * the most common string, so it is not scanned).
 */
export function eachCaptured(e: FangsEvent, each: (where: string, text: string) => void): void {
  switch (e.kind) {
    case "dns": return each("dns", e.qname);
    case "tls": return each("sni", e.sni);
    case "file": return e.access === "read" ? undefined : each("path", e.path);
    case "exec": each("exec", e.filename); return each("argv", e.argv.join(" "));
    case "connect": case "listen": return e.family === "unix" ? each("unix", e.address) : undefined;
  }
}

/**
 * A finder for `values`: the first needle in a captured string, or
 * undefined. One RegExp alternation screens every string (about 7× faster
 * than a loop of includes per needle); the loop runs only on a hit.
 */
export function baitMatcher(values: readonly string[]): ((where: string, text: string) => BaitNeedle | undefined) | undefined {
  const needles = baitNeedles(values);
  if (!needles.length) return undefined;
  const loose = needles.map((n) => ({ ...n, text: n.text.replace(LOOSE, "") })).filter((n) => n.text.length >= MIN_NEEDLE);
  const alternation = (ns: readonly BaitNeedle[]) => new RegExp(ns.map((n) => n.text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"));
  const screen = alternation(needles);
  const screenLoose = alternation(loose);
  const scan = (where: string, text: string): BaitNeedle | undefined => {
    const hay = text.toLowerCase();
    if (screen.test(hay)) return needles.find((n) => hay.includes(n.text));
    // What leaves the box (a name, a tool's argv) is also compared with only
    // letters and digits: a value split across DNS labels or broken up with
    // dashes or spaces. A path never leaves by itself, so it is not (cost).
    if (where === "path" || where === "unix") return undefined;
    const bare = hay.replace(LOOSE, "");
    return bare.length !== hay.length && screenLoose.test(bare) ? loose.find((n) => bare.includes(n.text)) : undefined;
  };
  return (where, text) => (text.length < MIN_NEEDLE ? undefined : scan(where, text));
}

/** The fingerprint value of a hit: what was found, how, where, and the string (cut to 300 characters). */
export function baitValue(n: BaitNeedle, where: string, text: string): string {
  return `bait #${n.value + 1} ${n.encoding} in ${where}: ${text.length > 300 ? text.slice(0, 300) + "…" : text}`;
}
