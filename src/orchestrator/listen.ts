// Opening the orchestrator's listener, with the security the configuration
// asks for (checked by checkListenPolicy first):
//   - runner mTLS (-tls-client-ca): node:tls feeding node:http, Hono through
//     @hono/node-server, because only there can a handler read the client
//     certificate's CN (PLATFORM.md). The handshake
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
import { createServer as createTlsServer, type TLSSocket } from "node:tls";
import { createServer as createHttpServer } from "node:http";
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
  const { address, runnerAuth, tls, warnings } = checkListenPolicy(sec);
  for (const w of warnings) process.stderr.write(`fangs serve: warning: ${w}\n`);
  const hostForUrl = address.host.includes(":") ? `[${address.host}]` : address.host;
  if (runnerAuth === "mtls") {
    // node:tls accepts and verifies, node:http parses (HTTP/1.1 only: one
    // protocol to harden), Hono answers; env.incoming.socket is the TLSSocket.
    const http = createHttpServer(getRequestListener(fetch, { overrideGlobalObjects: false }));
    const sockets = new Set<TLSSocket>();
    const busy = new Set<unknown>(); // sockets with a request in flight
    let closing = false;
    http.on("request", (req, res) => {
      const s = req.socket;
      busy.add(s);
      res.once("close", () => {
        busy.delete(s);
        if (closing) s.destroy();
      });
    });
    const idleMs = (opts.idleTimeoutS ?? 120) * 1000;
    const server = createTlsServer(
      {
        cert: readPem(sec.tlsCert!, "-tls-cert"),
        key: readPem(sec.tlsKey!, "-tls-key"),
        ca: readPem(sec.tlsClientCa!, "-tls-client-ca"),
        requestCert: true,
        rejectUnauthorized: false, // decided per route: runner routes demand a verified certificate
        minVersion: "TLSv1.2",
        ALPNProtocols: ["http/1.1"],
      },
      (sock) => {
        sockets.add(sock);
        sock.once("close", () => sockets.delete(sock));
        // Same idle limit as Bun.serve: a peer that connects and goes quiet
        // (slowloris) is dropped; claim long-polls stay well under it.
        sock.setTimeout(idleMs, () => sock.destroy());
        http.emit("connection", sock);
      },
    );
    server.on("tlsClientError", () => {}); // a failed handshake is the peer's problem, not a crash
    await new Promise<void>((resolve, reject) => {
      server.once("error", (e) => reject(new FangsError(`cannot listen on ${sec.listen}: ${(e as Error).message}`)));
      server.listen(address.port, address.host, () => resolve());
    });
    const port = (server.address() as { port: number }).port;
    return {
      url: `https://${hostForUrl}:${port}`,
      port,
      runnerAuth,
      // Graceful like the Bun path: stop accepting, close idle keep-alive
      // connections now, let in-flight requests answer, cut the rest at 10 s.
      close: async () => {
        closing = true;
        const closed = new Promise<void>((r) => server.close(() => r()));
        for (const s of sockets) if (!busy.has(s)) s.destroy();
        const forced = setTimeout(() => { for (const s of sockets) s.destroy(); }, 10_000);
        forced.unref?.();
        await closed;
        clearTimeout(forced);
      },
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
