// Which listeners the orchestrator agrees to open. Loopback is trusted (only
// this host reaches it); anything else needs runner authentication (mTLS or a
// runner token) and operator authentication (an operator token), unless the
// operator says -insecure-listen on purpose.
import { isIP } from "node:net";
import { FangsError } from "../../core/errors.ts";

export interface ListenAddress { host: string; port: number }

/** Parse "host:port", "[v6]:port" or ":port" (all interfaces). */
export function parseListen(raw: string): ListenAddress {
  const m = /^(?:\[([^\]]+)\]|([^:\[\]]*)):(\d{1,5})$/.exec(raw.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new FangsError(`invalid listen address ${JSON.stringify(raw)}`, { hint: "use host:port, e.g. 127.0.0.1:8443 or [::1]:8443" });
  const host = m[1] ?? m[2] ?? "";
  if (m[1] !== undefined && isIP(m[1]) !== 6) throw new FangsError(`invalid IPv6 address in listen ${JSON.stringify(raw)}`);
  return { host: host === "" ? "0.0.0.0" : host, port };
}

/** True only for addresses that are loopback by construction (127/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, "");
  if (h === "localhost") return true;
  if (isIP(h) === 4) return h.split(".")[0] === "127";
  if (isIP(h) === 6) {
    if (/^(0{0,4}:){7}0{0,3}1$/.test(h) || h === "::1") return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    return !!mapped && mapped[1].split(".")[0] === "127";
  }
  return false; // a host name other than localhost may resolve anywhere
}

export interface ListenSecurity {
  listen: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsClientCa?: string;
  runnerToken?: string;
  operatorToken?: string;
  insecureListen?: boolean;
}

/** Shared secrets shorter than this are refused: they are guessable. */
export const MIN_TOKEN_LENGTH = 16;

export type RunnerAuthMode = "mtls" | "token" | "open";

export function runnerAuthMode(s: Pick<ListenSecurity, "tlsClientCa" | "runnerToken">): RunnerAuthMode {
  if (s.tlsClientCa) return "mtls";
  if (s.runnerToken) return "token";
  return "open";
}

/** Throws a FangsError (with the flag to fix it) when the configuration must not listen. */
export function checkListenPolicy(s: ListenSecurity): { address: ListenAddress; runnerAuth: RunnerAuthMode; tls: boolean; warnings: string[] } {
  const address = parseListen(s.listen);
  if (!!s.tlsCert !== !!s.tlsKey) throw new FangsError("-tls-cert and -tls-key go together", { hint: "fangs ca issue-server <host> writes both" });
  if (s.tlsClientCa && !s.tlsCert) throw new FangsError("-tls-client-ca (mTLS for runners) needs -tls-cert and -tls-key", { hint: "fangs ca issue-server <host>" });
  const runnerAuth = runnerAuthMode(s);
  if (!isLoopbackHost(address.host) && !s.insecureListen) {
    const missing: string[] = [];
    if (runnerAuth === "open") missing.push("runner authentication (-tls-client-ca for mTLS, or -runner-token)");
    if (!s.operatorToken) missing.push("operator authentication (-operator-token)");
    if (missing.length) {
      throw new FangsError(`refusing to listen on non-loopback ${s.listen} without ${missing.join(" and ")}`, {
        hint: "configure them (fangs ca init; fangs ca issue-server <host>), listen on 127.0.0.1, or pass -insecure-listen",
      });
    }
  }
  for (const [flag, token] of [["runner-token", s.runnerToken], ["operator-token", s.operatorToken]] as const) {
    if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
      throw new FangsError(`-${flag} is too short (${token.length} characters; at least ${MIN_TOKEN_LENGTH})`, { hint: "generate one: head -c 32 /dev/urandom | base64" });
    }
  }
  const warnings: string[] = [];
  if (!isLoopbackHost(address.host) && !s.tlsCert && (s.runnerToken || s.operatorToken)) {
    warnings.push(`tokens cross the network in clear text on ${s.listen} (no -tls-cert): serve TLS (fangs ca issue-server <host>)`);
  }
  return { address, runnerAuth, tls: !!s.tlsCert, warnings };
}
