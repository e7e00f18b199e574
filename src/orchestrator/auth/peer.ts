// Who is on the other end of the connection. Under the mTLS listener
// (node:http2 + @hono/node-server) the socket carries the verified client
// certificate; under Bun.serve only the address is known (Bun handlers cannot
// read a peer certificate, see PLATFORM.md).
import type { Context } from "hono";

export interface PeerCert { cn: string; authorized: boolean; serial?: string; error?: string }
export interface Peer { address?: string; cert?: PeerCert }

interface TlsLikeSocket {
  remoteAddress?: string;
  authorized?: boolean;
  authorizationError?: Error | string | null;
  getPeerCertificate?: () => { subject?: { CN?: string | string[] }; serialNumber?: string } | null;
}

export function peerOf(c: Context): Peer {
  const env = c.env as { incoming?: { socket?: TlsLikeSocket }; requestIP?: (r: Request) => { address: string } | null } | undefined;
  const sock = env?.incoming?.socket;
  if (sock) {
    let cert: PeerCert | undefined;
    if (typeof sock.getPeerCertificate === "function") {
      const pc = sock.getPeerCertificate();
      const raw = pc?.subject?.CN;
      const cn = Array.isArray(raw) ? undefined : raw; // several CNs: refuse to guess
      if (pc && pc.subject) {
        const err = sock.authorizationError;
        cert = { cn: cn ?? "", authorized: sock.authorized === true, serial: pc.serialNumber, error: err ? String((err as Error).message ?? err) : undefined };
      }
    }
    return { address: sock.remoteAddress, cert };
  }
  try {
    return { address: env?.requestIP?.(c.req.raw)?.address };
  } catch {
    return {};
  }
}
