// The scan-settings flags `package add` and `package import` share, turned
// into a validated PackageSettings, and how `package watched` shows them.
import * as v from "valibot";
import type { ArgsDef } from "citty";
import { FangsError } from "../../core/errors.ts";
import { DURATION, MEMORY_MB, PackageSettings, REGISTRY_URL } from "../../protocol/package_settings.ts";
import { NETWORK_MODE } from "../../protocol/sandbox.ts";

export const SETTINGS_ARGS = {
  registry: { type: "string", description: "same as -registry-url (kept for the manual's wording)" },
  "registry-url": { type: "string", description: "registry the package is polled on AND installed from (default: the orchestrator's registry)" },
  network: { type: "string", description: "sandbox network: bridge, none or container:<name>" },
  duration: { type: "string", description: "sandbox time limit, e.g. 90s (default 60s)" },
  memory: { type: "string", description: "sandbox memory limit in MB (default 512)" },
  "scan-every-release": { type: "boolean", description: "scan every release in a sandbox, even when nothing in its closure runs at install" },
  "install-only": { type: "boolean", description: "no import phase: do not load the package (require/import) after the install (the manual's install-only scan)" },
} as const satisfies ArgsDef;

function check<T>(schema: v.GenericSchema<unknown, T>, raw: unknown, flag: string, hint: string, given: unknown = raw): T {
  const r = v.safeParse(schema, raw);
  if (!r.success) throw new FangsError(`bad -${flag} ${JSON.stringify(String(given))}: ${r.issues[0].message}`, { hint });
  return r.output;
}

export function settingsFromFlags(a: Record<string, unknown>): PackageSettings {
  const reg = a["registry-url"] ?? a.registry;
  if (a["registry-url"] !== undefined && a.registry !== undefined && a["registry-url"] !== a.registry) {
    throw new FangsError(`-registry ${JSON.stringify(a.registry)} and -registry-url ${JSON.stringify(a["registry-url"])} disagree: a package is polled and installed from one registry`, { hint: "give only -registry-url URL" });
  }
  const s: PackageSettings = {
    ...(reg !== undefined && { registry_url: check(REGISTRY_URL, String(reg), "registry-url", "-registry-url http://127.0.0.1:4873/") }),
    ...(a.network !== undefined && { network: check(NETWORK_MODE, String(a.network), "network", "-network bridge | none | container:<name>") }),
    ...(a.duration !== undefined && { duration_s: check(DURATION, String(a.duration), "duration", "-duration 90s") }),
    ...(a.memory !== undefined && { memory_mb: check(MEMORY_MB, /^\d+$/.test(String(a.memory)) ? Number(a.memory) : String(a.memory), "memory", "-memory 1024", a.memory) }),
    ...(a["scan-every-release"] === true && { scan_every_release: true }),
    ...(a["install-only"] === true && { import_phase: false }),
  };
  return v.parse(PackageSettings, s);
}

/** One cell for the table: only what differs from the defaults. */
export function settingsCell(s: PackageSettings): string {
  const parts = [
    s.registry_url && `registry=${s.registry_url}`,
    s.network && `network=${s.network}`,
    s.duration_s !== undefined && `duration=${s.duration_s}s`,
    s.memory_mb !== undefined && `memory=${s.memory_mb}MB`,
    s.scan_every_release && "scan-every-release",
    s.import_phase === false && "install-only",
  ].filter(Boolean);
  return parts.length ? parts.join(" ") : "defaults";
}
