// The CLI's HTTP client for the orchestrator (scan submit/status): base URL
// from -orchestrator (env FANGS_ORCHESTRATOR), operator token from the config
// registry (FANGS_OPERATOR_TOKEN), errors as one line with a hint.
import { FangsError } from "../../core/errors.ts";

export const DEFAULT_ORCHESTRATOR = "http://127.0.0.1:8443";

export function orchestratorUrl(flag: unknown): string {
  const raw = String(flag ?? process.env.FANGS_ORCHESTRATOR ?? DEFAULT_ORCHESTRATOR).replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]+$/.test(raw)) throw new FangsError(`invalid -orchestrator ${JSON.stringify(raw)}`, { hint: "give the base URL, e.g. http://127.0.0.1:8443" });
  return raw;
}

export async function call(base: string, method: string, path: string, body: unknown, token: string | undefined): Promise<any> {
  let res: Response;
  try {
    res = await fetch(base + path, {
      method,
      headers: { ...(body !== undefined && { "content-type": "application/json" }), ...(token && { authorization: `Bearer ${token}` }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (e) {
    throw new FangsError(`orchestrator ${base} unreachable: ${(e as Error).message}`, { hint: "start it with fangs serve, or pass -orchestrator URL" });
  }
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    throw new FangsError(`orchestrator ${base} answered ${res.status} with a non-JSON body`);
  }
  if (!res.ok) {
    throw new FangsError(`orchestrator: ${json?.error ?? `HTTP ${res.status}`}`, {
      status: res.status,
      hint: res.status === 401 ? "set the operator token (FANGS_OPERATOR_TOKEN)" : json?.hint,
    });
  }
  return json;
}
