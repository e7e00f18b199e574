// Allowlist matching: operator entries (global or per package, from the CLI,
// the API or the config file) on top of the built-in CDN list.
//   cidr → net_new_destination      path → fs_new_path_* (prefix)
//   sni  → net_new_https_host and net_new_dns_name (exact or subdomain)
import { CDN_CIDRS, CDN_SNI_SUFFIXES } from "./cdn.ts";
import { cidrContains, parseCidr, parseIp, type Cidr } from "./cidr.ts";
import { endpointAddress } from "./normalize.ts";
import type { Fingerprint } from "./types.ts";

export interface AllowRule { kind: "cidr" | "path" | "sni"; value: string; package?: string | null }

export type AllowCheck = (f: Pick<Fingerprint, "category" | "value">) => boolean;

const CDN_BLOCKS: Cidr[] = Object.values(CDN_CIDRS).flat().map((c) => parseCidr(c)!);

/** Why an allowlist value is unusable, or undefined when it is fine. */
export function allowValueError(kind: string, value: string): string | undefined {
  if (!value.trim()) return "value must not be empty";
  if (kind === "cidr") return parseCidr(value) ? undefined : `${JSON.stringify(value)} is not a CIDR block or IP address (e.g. 10.0.0.0/8, 2001:db8::/32)`;
  if (kind === "path") return value.startsWith("/") || value.startsWith("node_modules/") ? undefined : `path ${JSON.stringify(value)} must be absolute (e.g. /opt/vendor/)`;
  if (kind === "sni") return /^(\*\.|\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/i.test(value) ? undefined : `${JSON.stringify(value)} is not a host name (e.g. telemetry.example)`;
  return `unknown kind ${JSON.stringify(kind)} (use cidr, path or sni)`;
}

function hostMatches(host: string, suffix: string): boolean {
  const s = suffix.toLowerCase().replace(/^\*?\./, "");
  return host === s || host.endsWith("." + s);
}

/** A predicate saying whether a fingerprint of `pkg` is allowlisted. */
export function allowChecker(rules: readonly AllowRule[], pkg: string): AllowCheck {
  const mine = rules.filter((r) => !r.package || r.package === pkg);
  const blocks = [...CDN_BLOCKS, ...mine.filter((r) => r.kind === "cidr").map((r) => parseCidr(r.value)).filter((c): c is Cidr => !!c)];
  const hosts = [...CDN_SNI_SUFFIXES, ...mine.filter((r) => r.kind === "sni").map((r) => r.value)];
  const paths = mine.filter((r) => r.kind === "path").map((r) => r.value);
  const memo = new Map<string, boolean>();
  return (f) => {
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
        hit = hosts.some((h) => hostMatches(f.value, h));
        break;
      case "fs_new_path_read":
      case "fs_new_path_write":
        hit = paths.some((p) => f.value.startsWith(p));
        break;
    }
    memo.set(key, hit);
    return hit;
  };
}
