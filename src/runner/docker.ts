// A small Docker Engine API client over the unix socket (Bun's fetch speaks
// `unix:`). The API version is pinned in every path: the engine here is 20.10
// (API 1.41) and a newer CLI on PATH must not change what we talk. The one
// Docker client: the runner, `fangs sandbox build-image` and `fangs runner
// doctor` all talk to the engine through it.
import { FangsError } from "../core/errors.ts";

export const DOCKER_SOCKET = "/var/run/docker.sock";
const API = "/v1.41";

export interface DockerOptions {
  socket?: string;
  /** Give up on a request after this long (doctor: an engine that hangs is a failed check). */
  timeoutMs?: number;
}

export interface ContainerState {
  Status: string;
  Running: boolean;
  OOMKilled: boolean;
  ExitCode: number;
  Error: string;
  Pid: number;
}
export interface ContainerInspect {
  Id: string;
  Name: string;
  State: ContainerState;
  HostConfig: Record<string, any>;
  Config: Record<string, any>;
}

export interface WaitResult { StatusCode: number; Error?: { Message: string } | null }

export class DockerError extends FangsError {
  constructor(readonly op: string, readonly statusCode: number, detail: string) {
    super(`docker ${op}: ${statusCode ? `HTTP ${statusCode}: ` : ""}${detail}`, {
      status: 502,
      hint: statusCode ? undefined : "is dockerd running? (scripts/services starts it; journalctl -u docker)",
    });
  }
}

export class Docker {
  readonly socket: string;
  readonly timeoutMs?: number;
  constructor(opts: DockerOptions = {}) {
    this.socket = opts.socket || DOCKER_SOCKET;
    this.timeoutMs = opts.timeoutMs;
  }

  /** One request; non-2xx becomes a DockerError carrying the engine's message. */
  async request(op: string, method: string, path: string, init: { body?: RequestInit["body"]; json?: unknown; headers?: Record<string, string>; signal?: AbortSignal; ok?: number[] } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    let body = init.body;
    if (init.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(init.json);
    }
    let res: Response;
    try {
      const signal = init.signal ?? (this.timeoutMs ? AbortSignal.timeout(this.timeoutMs) : undefined);
      res = await fetch(`http://docker${API}${path}`, { method, headers, body, unix: this.socket, signal } as RequestInit);
    } catch (e) {
      if ((e as Error).name === "AbortError") throw e;
      throw new DockerError(op, 0, `${this.socket}: ${(e as Error).message}`);
    }
    if (res.status >= 300 && !(init.ok ?? []).includes(res.status)) {
      const text = await res.text().catch(() => "");
      let msg = text;
      try { msg = JSON.parse(text).message ?? text; } catch { /* plain text */ }
      throw new DockerError(op, res.status, msg.trim() || res.statusText);
    }
    return res;
  }

  async ping(): Promise<void> {
    await (await this.request("ping", "GET", "/_ping")).text();
  }

  async version(): Promise<{ Version: string; ApiVersion: string }> {
    return (await (await this.request("version", "GET", "/version")).json()) as { Version: string; ApiVersion: string };
  }

  async createContainer(name: string, config: unknown): Promise<string> {
    const r = await this.request("create container", "POST", `/containers/create?name=${encodeURIComponent(name)}`, { json: config });
    return ((await r.json()) as { Id: string }).Id;
  }

  /** Registers the wait before start (condition=next-exit) so a fast exit is
   *  not missed. Resolves once the engine has registered it (it flushes the
   *  response headers then); `exited` resolves when the container stops. */
  async waitNextExit(id: string, signal?: AbortSignal): Promise<{ exited: Promise<WaitResult> }> {
    const r = await this.request("wait", "POST", `/containers/${id}/wait?condition=next-exit`, { signal });
    const exited = r.json() as Promise<WaitResult>;
    exited.catch(() => {}); // observed by the caller; never an unhandled rejection
    return { exited };
  }

  async start(id: string): Promise<void> {
    await (await this.request("start", "POST", `/containers/${id}/start`, { ok: [304] })).text();
  }

  /** Stop with a grace period (SIGTERM then SIGKILL after `t` seconds). */
  async stop(id: string, t = 2): Promise<void> {
    await (await this.request("stop", "POST", `/containers/${id}/stop?t=${t}`, { ok: [304, 404] })).text();
  }

  async kill(id: string): Promise<void> {
    await (await this.request("kill", "POST", `/containers/${id}/kill`, { ok: [404, 409] })).text();
  }

  async remove(id: string): Promise<void> {
    await (await this.request("remove", "DELETE", `/containers/${id}?force=1&v=1`, { ok: [404] })).text();
  }

  async inspect(id: string): Promise<ContainerInspect | undefined> {
    const r = await this.request("inspect", "GET", `/containers/${id}/json`, { ok: [404] });
    if (r.status === 404) { await r.text(); return undefined; }
    return (await r.json()) as ContainerInspect;
  }

  /** Copy a tar archive into the container's filesystem (before start). */
  async putArchive(id: string, dir: string, tar: Uint8Array): Promise<void> {
    await (await this.request("put archive", "PUT", `/containers/${id}/archive?path=${encodeURIComponent(dir)}`, {
      body: tar, headers: { "content-type": "application/x-tar" },
    })).text();
  }

  /** stdout+stderr, demultiplexed (non-TTY logs carry 8-byte frame headers). */
  async logs(id: string, tailLines = 200): Promise<string> {
    const r = await this.request("logs", "GET", `/containers/${id}/logs?stdout=1&stderr=1&tail=${tailLines}`);
    return demux(new Uint8Array(await r.arrayBuffer()));
  }

  /** Create, run to its end and remove a short-lived container; its output (last `tailLines` lines). */
  async runToEnd(name: string, config: Record<string, unknown>, tailLines = 200): Promise<string> {
    const id = await this.createContainer(name, config);
    try {
      const { exited } = await this.waitNextExit(id);
      await this.start(id);
      await exited;
      return await this.logs(id, tailLines);
    } finally {
      await this.remove(id);
    }
  }

  async imageInspect(name: string): Promise<{ Id: string; Size: number; Config: Record<string, any> } | undefined> {
    const r = await this.request("image inspect", "GET", `/images/${encodeURIComponent(name)}/json`, { ok: [404] });
    if (r.status === 404) { await r.text(); return undefined; }
    return (await r.json()) as any;
  }

  /** `docker import`: a root filesystem tar becomes an image, with Dockerfile-style changes. */
  async importImage(repo: string, tag: string, tar: RequestInit["body"], changes: string[]): Promise<void> {
    const q = new URLSearchParams({ fromSrc: "-", repo, tag });
    for (const c of changes) q.append("changes", c);
    const r = await this.request("import image", "POST", `/images/create?${q}`, { body: tar, headers: { "content-type": "application/x-tar" } });
    // The engine streams JSON progress lines; an error arrives as {"error": …} with HTTP 200.
    const text = await r.text();
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      try {
        const m = JSON.parse(line);
        if (m.error) throw new DockerError("import image", 200, m.error);
      } catch (e) {
        if (e instanceof DockerError) throw e;
      }
    }
  }

  async listContainers(labelFilter: string): Promise<{ Id: string; Names: string[]; State: string; Labels: Record<string, string> }[]> {
    const filters = encodeURIComponent(JSON.stringify({ label: [labelFilter] }));
    const r = await this.request("list containers", "GET", `/containers/json?all=1&filters=${filters}`);
    return (await r.json()) as any;
  }
}

/** Split Docker's multiplexed log stream (1 byte stream, 3 pad, 4 size BE). */
export function demux(buf: Uint8Array): string {
  const dec = new TextDecoder();
  let out = "";
  let i = 0;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  while (i + 8 <= buf.length) {
    const kind = buf[i];
    if (kind > 2 || buf[i + 1] || buf[i + 2] || buf[i + 3]) return dec.decode(buf); // not multiplexed (TTY)
    const n = dv.getUint32(i + 4);
    out += dec.decode(buf.subarray(i + 8, i + 8 + n));
    i += 8 + n;
  }
  return out;
}
