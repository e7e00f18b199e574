// The one typed registry of settings. Each setting has a name (the flag, with
// its env var FANGS_<NAME> and its key in config/orchestrator.yaml), a type, a
// default, whether it is secret, and a validator. Precedence: flag > env >
// YAML > default. `fangs config dump` prints the result with secrets redacted.
import { readFileSync, existsSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { FangsError } from "./errors.ts";

type Kind = "string" | "int" | "bool" | "duration";
export interface Setting {
  name: string;
  kind: Kind;
  default: string | number | boolean | undefined;
  secret?: boolean;
  help: string;
  check?: (v: any) => string | undefined; // returns an error message
}

const nonNegative = (v: number) => (v < 0 ? "must be 0 or more" : undefined);

export const SETTINGS = [
  { name: "db", kind: "string", default: "var/lib/fangs/fangs.db", help: "SQLite path or postgres:// URL" },
  { name: "listen", kind: "string", default: "127.0.0.1:8443", help: "orchestrator listen address host:port" },
  { name: "registry", kind: "string", default: "https://registry.npmjs.org/", help: "npm registry the watcher and `package add` consult" },
  { name: "poll-interval", kind: "duration", default: 300, help: "watcher poll interval (seconds or 5m)", check: (v: number) => (v < 1 ? "must be at least 1s" : undefined) },
  { name: "watch-all-versions", kind: "bool", default: false, help: "queue every newly published version, not only dist-tags.latest" },
  { name: "import-phase", kind: "bool", default: true, help: "after the install, load each scanned package (require/import) under observation; false: install-only scans everywhere (the package setting -install-only does it for one)" },
  { name: "scan-every-release", kind: "bool", default: false, help: "scan every new release in a sandbox, even one whose installed closure runs no install script (else recorded as no-install-code)" },
  { name: "retention-days", kind: "int", default: 90, help: "prune raw events older than this; 0 disables", check: nonNegative },
  { name: "clean-runs-to-promote", kind: "int", default: 1, help: "distinct releases whose runs must come back clean before a finding-free seed (a package's first baseline) is trusted; the seed's release counts as one, re-runs of a release do not; a seed held with findings is trusted only by an operator's promote", check: (v: number) => (v < 1 ? "must be at least 1" : undefined) },
  { name: "runner-token", kind: "string", default: undefined, secret: true, help: "shared secret runners present when mTLS is off" },
  { name: "operator-token", kind: "string", default: undefined, secret: true, help: "token for the API and UI when not on loopback" },
  { name: "tls-cert", kind: "string", default: undefined, help: "server certificate (PEM)" },
  { name: "tls-key", kind: "string", default: undefined, help: "server private key (PEM)" },
  { name: "tls-client-ca", kind: "string", default: undefined, help: "CA that signs runner certificates (enables mTLS)" },
  { name: "insecure-listen", kind: "bool", default: false, help: "allow a non-loopback listener with no TLS/token" },
  { name: "ingest-rate-limit", kind: "int", default: 100, help: "event batches per second one runner may send (bursts of 2x); over it: 429 + Retry-After; 0 disables", check: nonNegative },
  // Orchestrator timing (issue 3). Tests shorten these; production keeps the defaults.
  { name: "heartbeat-interval", kind: "duration", default: 10, help: "how often runners are told to heartbeat", check: (v: number) => (v <= 0 ? "must be positive" : undefined) },
  { name: "runner-stale-after", kind: "duration", default: 90, help: "a runner silent this long is pruned and its run failed", check: (v: number) => (v <= 0 ? "must be positive" : undefined) },
  { name: "prune-interval", kind: "duration", default: 30, help: "how often the runner pruner ticks", check: (v: number) => (v <= 0 ? "must be positive" : undefined) },
  { name: "run-finish-grace", kind: "duration", default: 600, help: "a running run with no finish this long after its sandbox duration is failed", check: (v: number) => (v <= 0 ? "must be positive" : undefined) },
  { name: "claim-wait", kind: "duration", default: 25, help: "longest a runner's claim long-poll is held", check: (v: number) => (v < 0 || v > 120 ? "must be 0..120s" : undefined) },
  { name: "retention-first-prune", kind: "duration", default: 30, help: "delay before the first retention prune after start", check: nonNegative },
  { name: "retention-interval", kind: "duration", default: 86400, help: "time between retention prunes", check: (v: number) => (v <= 0 ? "must be positive" : undefined) },
  { name: "config", kind: "string", default: "config/orchestrator.yaml", help: "YAML config file" },
] as const satisfies readonly Setting[];

export type SettingName = (typeof SETTINGS)[number]["name"];
export type Config = Record<SettingName, any> & { allowlist: ConfigAllowEntry[] };
export interface ConfigAllowEntry { kind: "cidr" | "path" | "sni"; value: string; package?: string; note?: string }

export function parseDuration(raw: string | number): number {
  if (typeof raw === "number") return raw;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(String(raw).trim());
  if (!m) throw new Error(`not a duration: ${raw} (use 90s, 5m, 1h)`);
  const n = Number(m[1]);
  return { ms: n / 1000, s: n, m: n * 60, h: n * 3600, undefined: n }[m[2] ?? "undefined"]!;
}

function coerce(s: Setting, raw: unknown, from: string): unknown {
  try {
    switch (s.kind) {
      case "string": return String(raw);
      case "bool": {
        if (typeof raw === "boolean") return raw;
        const t = String(raw).toLowerCase();
        if (["1", "true", "yes", "on"].includes(t)) return true;
        if (["0", "false", "no", "off"].includes(t)) return false;
        throw new Error(`not a boolean: ${raw}`);
      }
      case "int": {
        const n = Number(raw);
        if (!Number.isInteger(n)) throw new Error(`not an integer: ${raw}`);
        return n;
      }
      case "duration": return parseDuration(raw as string);
    }
  } catch (e) {
    throw new FangsError(`${from}${from.endsWith("-") ? "" : " "}${s.name}: ${(e as Error).message}`);
  }
}

/** Load config: flags (already parsed, by setting name) > env > YAML > default. */
export function loadConfig(flags: Partial<Record<string, unknown>> = {}, env = process.env): Config {
  const file = String(flags.config ?? env.FANGS_CONFIG ?? "config/orchestrator.yaml");
  let yaml: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      yaml = (parseYaml(readFileSync(file, "utf8")) ?? {}) as Record<string, unknown>;
      if (typeof yaml !== "object" || Array.isArray(yaml)) throw new Error("top level must be a mapping");
    } catch (e) {
      throw new FangsError(`malformed config ${file}: ${(e as Error).message.split("\n")[0]}`, { hint: "fix the YAML or point -config elsewhere" });
    }
  } else if (flags.config !== undefined || env.FANGS_CONFIG !== undefined) {
    throw new FangsError(`config file ${file} does not exist`);
  }
  const out: Record<string, unknown> = {};
  for (const s of SETTINGS as readonly Setting[]) {
    const envName = "FANGS_" + s.name.toUpperCase().replace(/-/g, "_");
    let v: unknown = s.default;
    if (yaml[s.name] !== undefined) v = coerce(s, yaml[s.name], `${file}:`);
    if (env[envName] !== undefined && env[envName] !== "") v = coerce(s, env[envName], `env ${envName}:`);
    if (flags[s.name] !== undefined) v = coerce(s, flags[s.name], "flag -");
    if (v !== undefined && s.check) {
      const err = s.check(v);
      if (err) throw new FangsError(`${s.name} ${err} (got ${v})`);
    }
    out[s.name] = v;
  }
  out.config = file;
  out.allowlist = parseAllowlist(yaml.allowlist, file);
  return out as Config;
}

function parseAllowlist(raw: unknown, file: string): ConfigAllowEntry[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new FangsError(`malformed config ${file}: allowlist must be a list`);
  return raw.map((e, i) => {
    const ok = e && typeof e === "object" && ["cidr", "path", "sni"].includes(e.kind) && typeof e.value === "string" && e.value;
    if (!ok) throw new FangsError(`malformed config ${file}: allowlist[${i}] needs kind (cidr|path|sni) and value`);
    return { kind: e.kind, value: e.value, package: e.package ?? undefined, note: e.note ?? undefined };
  });
}

/** The config as text with secrets redacted, for `fangs config dump`. */
export function dumpConfig(c: Config): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of SETTINGS as readonly Setting[]) out[s.name] = s.secret && c[s.name as SettingName] ? "<redacted>" : c[s.name as SettingName] ?? null;
  out.allowlist = c.allowlist;
  return out;
}
