// The npm registry client: one conditional GET of a package's abbreviated
// packument. Everything the registry says is validated before use.
import * as v from "valibot";
import { FangsError } from "../core/errors.ts";

export class RegistryError extends FangsError {
  /** Seconds to wait before retrying (429/5xx), when the server said or a default. */
  readonly retryAfterS?: number;
  constructor(message: string, opts: { retryAfterS?: number; hint?: string; cause?: unknown } = {}) {
    super(message, { hint: opts.hint, status: 502, cause: opts.cause });
    this.name = "RegistryError";
    this.retryAfterS = opts.retryAfterS;
  }
}

const Packument = v.object({
  name: v.pipe(v.string(), v.maxLength(214)),
  "dist-tags": v.record(v.string(), v.pipe(v.string(), v.maxLength(256))),
  versions: v.record(v.pipe(v.string(), v.maxLength(256)), v.looseObject({})),
  time: v.optional(v.record(v.string(), v.string())),
  modified: v.optional(v.string()),
});
export type Packument = v.InferOutput<typeof Packument>;

export type PackumentResult =
  | { status: "ok"; packument: Packument; etag: string | null; lastModified: string | null; /** the registry answered with the abbreviated (install-v1) format */ abbreviated: boolean }
  | { status: "not_modified" }
  | { status: "not_found" };

/** Big packages (e.g. @types/node) have abbreviated packuments of tens of MB. */
export const MAX_PACKUMENT_BYTES = 64 * 1024 * 1024;
const TIMEOUT_MS = 30_000;

export function packumentUrl(registryUrl: string, name: string): string {
  const base = registryUrl.endsWith("/") ? registryUrl : registryUrl + "/";
  // Scoped names keep their @ and the slash becomes %2f, exactly as npm's
  // escapedName (some registries and proxies match the path literally).
  const [scope, bare] = name.startsWith("@") && name.includes("/") ? [name.slice(1, name.indexOf("/")), name.slice(name.indexOf("/") + 1)] : [undefined, name];
  return base + (scope !== undefined ? `@${encodeURIComponent(scope)}%2f${encodeURIComponent(bare)}` : encodeURIComponent(bare));
}

export async function fetchPackument(
  registryUrl: string,
  name: string,
  opts: { etag?: string | null; lastModified?: string | null; signal?: AbortSignal } = {},
): Promise<PackumentResult> {
  const url = packumentUrl(registryUrl, name);
  const headers: Record<string, string> = { Accept: "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8" };
  if (opts.etag) headers["If-None-Match"] = opts.etag;
  if (opts.lastModified) headers["If-Modified-Since"] = opts.lastModified;
  let res: Response;
  try {
    res = await fetch(url, { headers, redirect: "follow", signal: opts.signal ?? AbortSignal.timeout(TIMEOUT_MS) });
  } catch (e) {
    throw new RegistryError(`registry ${registryUrl} unreachable for ${name}: ${(e as Error).message}`, { retryAfterS: 30, hint: "check -registry / FANGS_REGISTRY and the network", cause: e });
  }
  if (res.status === 304) return { status: "not_modified" };
  if (res.status === 404) {
    await res.body?.cancel();
    return { status: "not_found" };
  }
  if (res.status === 429 || res.status >= 500) {
    await res.body?.cancel();
    throw new RegistryError(`registry answered ${res.status} for ${name}`, { retryAfterS: retryAfter(res.headers.get("retry-after")) });
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    throw new RegistryError(`registry answered ${res.status} for ${name} (${url})`);
  }
  const text = await readLimited(res, MAX_PACKUMENT_BYTES, name);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RegistryError(`registry returned invalid JSON for ${name}`);
  }
  const parsed = v.safeParse(Packument, json);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    throw new RegistryError(`registry returned a malformed packument for ${name}: ${v.getDotPath(issue) ?? "document"}: ${issue.message}`);
  }
  const abbreviated = /application\/vnd\.npm\.install-v1\+json/i.test(res.headers.get("content-type") ?? "");
  return { status: "ok", packument: parsed.output, etag: res.headers.get("etag"), lastModified: res.headers.get("last-modified"), abbreviated };
}

function retryAfter(h: string | null): number {
  if (!h) return 60;
  const n = Number(h);
  if (Number.isFinite(n) && n >= 0) return Math.min(n, 3600);
  const t = Date.parse(h);
  return Number.isFinite(t) ? Math.max(0, Math.min(3600, Math.round((t - Date.now()) / 1000))) : 60;
}

async function readLimited(res: Response, max: number, name: string): Promise<string> {
  const declared = Number(res.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel();
    throw new RegistryError(`packument of ${name} is ${declared} bytes, over the ${max}-byte limit`);
  }
  const reader = res.body!.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      throw new RegistryError(`packument of ${name} exceeds the ${max}-byte limit`);
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
