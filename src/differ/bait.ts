// Bait exfiltration: a run's planted credentials (random per run,
// src/runner/bait.ts) found in a string the sensor captured — a DNS name, an
// SNI, a path, an exec's file name or argv, a unix socket address. No honest
// install writes someone's npm token into a DNS label, so any hit is critical.
//
// Encodings looked for, each case-insensitively (DNS folds case, and a
// lower-cased base64 run of 20+ characters still cannot occur by chance):
// the value itself, hex, and base64/base64url at each of the three byte
// alignments (the token inside a bigger encoded blob, e.g. the whole .npmrc).
// Names are also compared with their dots removed, so a value split across
// DNS labels (63 characters at most each) is found too.
import type { FangsEvent } from "../events/types.ts";

export interface BaitNeedle { value: number; encoding: "plain" | "hex" | "base64"; text: string }

/** Shorter values (or encodings) are not looked for: too likely by chance. */
const MIN_NEEDLE = 12;

/** Base64 of `bytes` as it appears at byte offset k (mod 3) of a longer blob: only characters that depend on `bytes` alone. */
function base64At(bytes: Uint8Array, k: number): string {
  const padded = new Uint8Array(k + bytes.length);
  padded.set(bytes, k);
  const full = Buffer.from(padded).toString("base64").replace(/=+$/, "");
  const skip = k === 0 ? 0 : k === 1 ? 2 : 3;
  const end = Math.floor((k + bytes.length) / 3) * 4;
  return full.slice(skip, end);
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
  });
  return out;
}

/** The captured strings of an event, each with where it came from. */
export function capturedStrings(e: FangsEvent): [where: string, text: string][] {
  switch (e.kind) {
    case "dns": return [["dns", e.qname]];
    case "tls": return [["sni", e.sni]];
    case "file": return [["path", e.path]];
    case "exec": return [["exec", e.filename], ["argv", e.argv.join(" ")]];
    case "connect": case "listen": return e.family === "unix" ? [["unix", e.address]] : [];
    default: return [];
  }
}

/**
 * A finder for `values`: the first needle in a captured string, or
 * undefined. One RegExp alternation screens every string (about 7× faster
 * than a loop of includes over 100,000 events); the loop runs only on a hit.
 */
export function baitMatcher(values: readonly string[]): ((where: string, text: string) => BaitNeedle | undefined) | undefined {
  const needles = baitNeedles(values);
  if (!needles.length) return undefined;
  const screen = new RegExp(needles.map((n) => n.text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"));
  return (where, text) => {
    if (text.length < MIN_NEEDLE) return undefined;
    let hay = text.toLowerCase();
    if (!screen.test(hay)) {
      // A value split across DNS labels: look again with the dots removed.
      if (where !== "dns" && where !== "sni") return undefined;
      hay = hay.replace(/\./g, "");
      if (!screen.test(hay)) return undefined;
    }
    return needles.find((n) => hay.includes(n.text));
  };
}

/** The fingerprint value of a hit: what was found, how, where, and the string (cut to 300 characters). */
export function baitValue(n: BaitNeedle, where: string, text: string): string {
  return `bait #${n.value + 1} ${n.encoding} in ${where}: ${text.length > 300 ? text.slice(0, 300) + "…" : text}`;
}
