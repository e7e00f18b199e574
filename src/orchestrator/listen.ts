// Opening the orchestrator's listener, with the security the configuration
// asks for (checked by checkListenPolicy first):
//   - runner mTLS (-tls-client-ca): node:http2 secure server (HTTP/1.1 too)
//     feeding Hono through @hono/node-server, because only there can a
//     handler read the client certificate's CN (PLATFORM.md). The handshake
//     asks for a certificate but does not require one, so operators without a
//     client certificate still reach the API/UI (behind the operator token);
//     the runner routes refuse any peer whose certificate did not verify.
//   - TLS without client certificates, or plain HTTP on loopback: Bun.serve,
//     3-4x faster.
// One listener rather than a separate runner port: runner traffic is a few
// requests per second per runner (batches of up to 5000 events), so the
// slower node path costs nothing that matters, and operators configure,
// firewall and certify a single address.
import { readFileSync } from "node:fs";
import { createSecureServer, type Http2SecureServer } from "node:http2";
import { getRequestListener } from "@hono/node-server";
import { FangsError } from "../core/errors.ts";
import { checkListenPolicy, type ListenSecurity, type RunnerAuthMode } from "./auth/listen-policy.ts";

export interface Listener {
  url: string;
  port: number;
  runnerAuth: RunnerAuthMode;
  close(): Promise<void>;
}

type FetchFn = (req: Request, env?: any) => Response | Promise<Response>;

function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new FangsError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { hint: "create it with fangs ca init / fangs ca issue-server" });
  }
}

export async function startListener(fetch: FetchFn, sec: ListenSecurity, opts: { idleTimeoutS?: number } = {}): Promise<Listener> {
  const { address, runnerAuth, tls } = checkListenPolicy(sec);
  const hostForUrl = address.host.includes(":") ? `[${address.host}]` : address.host;
  if (runnerAuth === "mtls") {
    const server: Http2SecureServer = createSecureServer({
      allowHTTP1: true,
      cert: readPem(sec.tlsCert!, "-tls-cert"),
      key: readPem(sec.tlsKey!, "-tls-key"),
      ca: readPem(sec.tlsClientCa!, "-tls-client-ca"),
      requestCert: true,
      rejectUnauthorized: false, // decided per route: runner routes demand a verified certificate
      minVersion: "TLSv1.2",
    });
    server.on("request", getRequestListener(fetch, { overrideGlobalObjects: false }));
    await new Promise<void>((resolve, reject) => {
      server.once("error", (e) => reject(new FangsError(`cannot listen on ${sec.listen}: ${(e as Error).message}`)));
      server.listen(address.port, address.host, () => resolve());
    });
    const port = (server.address() as { port: number }).port;
    return {
      url: `https://${hostForUrl}:${port}`,
      port,
      runnerAuth,
      close: () => new Promise<void>((r) => server.close(() => r())),
    };
  }
  let bun: ReturnType<typeof Bun.serve>;
  try {
    bun = Bun.serve({
      hostname: address.host,
      port: address.port,
      idleTimeout: opts.idleTimeoutS ?? 120, // claim long-polls hold a request open
      tls: tls ? { cert: readPem(sec.tlsCert!, "-tls-cert"), key: readPem(sec.tlsKey!, "-tls-key") } : undefined,
      fetch,
    });
  } catch (e) {
    if (e instanceof FangsError) throw e;
    throw new FangsError(`cannot listen on ${sec.listen}: ${(e as Error).message}`);
  }
  return {
    url: `${tls ? "https" : "http"}://${hostForUrl}:${bun.port}`,
    port: bun.port!,
    runnerAuth,
    // Graceful: in-flight requests (an event batch mid-transaction) finish and
    // get their answer; only if that takes over 10 s are connections cut.
    close: async () => {
      const forced = new Promise<void>((r) => setTimeout(() => r(bun.stop(true)), 10_000).unref());
      await Promise.race([bun.stop(false), forced]);
    },
  };
}
