// Allowlist matching: operator entries (global or per package, from the CLI,
// the API or the config file) on top of the built-in CDN address list.
//
//   cidr → net_new_destination (the address of `addr:port`)
//   path → fs_new_path_read / fs_new_path_write, a glob over the normalized path:
//            `**` any characters including `/`   (/root/.cache/** = that dir and all below)
//            `*`  any characters within one path segment (/opt/vendor/*.js)
//            `?`  one character other than `/`
//            a trailing `/` means the directory and everything below (/opt/vendor/ = /opt/vendor/**)
//            anything else must match the whole path (/etc/hosts is not /etc/hosts.allow)
//   sni  → net_new_https_host and net_new_dns_name, over the normalized name:
//            `telemetry.example` = that name and its subdomains
//            `*.example`         = any name below example (not example itself)
//            `*` inside a label  = any characters within that label (cdn-*.example)
//
// Entries are stored in the normalized form the fingerprints use
// (normalizeAllowValue, applied by `allow add` and the config sync), so
// `/tmp/build-aB3dE9/**` is stored and matched as `/tmp/build-<rand>/**`.
// The built-in CDN list covers addresses only: names stay visible, because
// the same CDNs front GitHub's API, Google Forms and anyone's own
// CloudFront distribution.
import { CDN_CIDRS } from "./cdn.ts";
import { cidrContains, parseCidr, parseIp, type Cidr } from "./cidr.ts";
import { endpointAddress, normalizeHost, normalizePath } from "./normalize.ts";
import type { Fingerprint } from "./types.ts";

/** One working example per kind: the UI's placeholders and the CLI's help show these (allow.test.ts proves each suppresses what it names). */
export const ALLOW_EXAMPLES = { cidr: "203.0.113.0/24", path: "/root/.cache/**", sni: "*.telemetry.example" } as const;

export interface AllowRule { kind: "cidr" | "path" | "sni"; value: string; package?: string | null }

export type AllowCheck = (f: Pick<Fingerprint, "category" | "value">) => boolean;

const CDN_BLOCKS: Cidr[] = Object.values(CDN_CIDRS).flat().map((c) => parseCidr(c)!);

/** Why an allowlist value is unusable, or undefined when it is fine. */
export function allowValueError(kind: string, value: string): string | undefined {
  if (!value.trim()) return "value must not be empty";
  if (kind === "cidr") return parseCidr(value) ? undefined : `${JSON.stringify(value)} is not a CIDR block or IP address (e.g. 10.0.0.0/8, 2001:db8::/32)`;
  if (kind === "path") {
    if (!(value.startsWith("/") || value.startsWith("node_modules/"))) return `path ${JSON.stringify(value)} must be absolute (e.g. /opt/vendor/ or /root/.cache/**)`;
    if (/^\/+(\*\*?\/?)?$/.test(value.trim())) return `path ${JSON.stringify(value)} would suppress every file; name a directory (e.g. /opt/vendor/**)`;
    return undefined;
  }
  if (kind === "sni") {
    if (!/^(\*\.|\.)?[a-z0-9_*]([a-z0-9_*-]*[a-z0-9_*])?(\.[a-z0-9_*]([a-z0-9_*-]*[a-z0-9_*])?)*\.?$/i.test(value.trim())) return `${JSON.stringify(value)} is not a host name or pattern (e.g. telemetry.example, *.telemetry.example)`;
    if (!/[a-z0-9]/i.test(value.replace(/^(\*\.|\.)/, "").replace(/\*/g, ""))) return `${JSON.stringify(value)} would match every name; name a domain (e.g. *.telemetry.example)`;
    return undefined;
  }
  return `unknown kind ${JSON.stringify(kind)} (use cidr, path or sni)`;
}

/** The form an entry is stored and matched in (what `allow add` shows). */
export function normalizeAllowValue(kind: string, value: string): string {
  const v = value.trim();
  if (kind === "sni") return normalizeHost(v).replace(/^\./, "*.");
  if (kind === "path") return v.startsWith("/") ? normalizePath(v) : v;
  return v.toLowerCase();
}

const reEsc = (s: string) => s.replace(/[.+^${}()|[\]\\]/g, "\\$&");

/** A path glob (see the header) as an anchored RegExp. */
export function pathGlob(pattern: string): RegExp {
  const p = pattern.endsWith("/") ? pattern + "**" : pattern;
  let out = "";
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === "*" && p[i + 1] === "*") {
      i++;
      // `/**` at the end also matches the directory itself; `**/` zero or more segments.
      if (p[i + 1] === "/") { out += "(?:.*/)?"; i++; }
      else if (out.endsWith("/") && i === p.length - 1) { out = out.slice(0, -1) + "(?:/.*)?"; }
      else out += ".*";
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else out += reEsc(c);
  }
  return new RegExp(`^${out}$`);
}

/** A host pattern (see the header) as an anchored RegExp. */
export function hostGlob(pattern: string): RegExp {
  const p = normalizeHost(pattern).replace(/^\./, "*.");
  const sub = p.startsWith("*.");
  const body = (sub ? p.slice(2) : p).split("").map((c) => (c === "*" ? "[^.]*" : reEsc(c))).join("");
  return new RegExp(sub ? `^.+\\.${body}$` : `^(?:.+\\.)?${body}$`);
}

/** A predicate saying whether a fingerprint of `pkg` is allowlisted. */
export function allowChecker(rules: readonly AllowRule[], pkg: string): AllowCheck {
  const mine = rules.filter((r) => !r.package || r.package === pkg);
  const blocks = [...CDN_BLOCKS, ...mine.filter((r) => r.kind === "cidr").map((r) => parseCidr(r.value)).filter((c): c is Cidr => !!c)];
  // Entries stored before normalization existed are normalized here too.
  const hosts = mine.filter((r) => r.kind === "sni").map((r) => hostGlob(normalizeAllowValue("sni", r.value)));
  const paths = mine.filter((r) => r.kind === "path").map((r) => pathGlob(normalizeAllowValue("path", r.value)));
  const memo = new Map<string, boolean>();
  return (f) => {
    // Most runs have no path or host entries: answer without building a key.
    const isPath = f.category === "fs_new_path_read" || f.category === "fs_new_path_write";
    if (isPath ? paths.length === 0 : f.category !== "net_new_destination" && hosts.length === 0) return false;
    const key = f.category + "\u0000" + f.value;
    let hit = memo.get(key);
    if (hit !== undefined) return hit;
    hit = false;
    switch (f.category) {
      case "net_new_destination": {
        const a = endpointAddress(f.value);
        const ip = a ? parseIp(a) : undefined;
        hit = !!ip && blocks.some((b) => cidrContains(b, ip));
        break;
      }
      case "net_new_https_host":
      case "net_new_dns_name":
        hit = hosts.some((h) => h.test(f.value));
        break;
      case "fs_new_path_read":
      case "fs_new_path_write":
        // A value that still has a `..` (a relative path the kernel gave as
        // is) could be anywhere: no path entry vouches for it.
        hit = !/(^|\/)\.\.(\/|$)/.test(f.value) && paths.some((p) => p.test(f.value));
        break;
    }
    memo.set(key, hit);
    return hit;
  };
}
