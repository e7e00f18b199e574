// A minimal tar writer (ustar, with a PAX header for names ustar cannot hold).
// Used for the sandbox image (docker import) and the bait copied into each
// container; both are built from in-memory entries, so no staging directory
// and no dependency on the host's tar.
export type TarEntry =
  | { type: "file"; path: string; data: Uint8Array | string; mode?: number; mtime?: number }
  | { type: "dir"; path: string; mode?: number; mtime?: number }
  | { type: "symlink"; path: string; target: string; mtime?: number };

const enc = new TextEncoder();
const BLOCK = 512;

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, "0") + "\0";
}

function header(name: string, opts: { size: number; mode: number; type: string; linkname?: string; mtime: number }): Uint8Array {
  const h = new Uint8Array(BLOCK);
  const put = (off: number, s: string, len: number) => h.set(enc.encode(s).subarray(0, len), off);
  put(0, name, 100);
  put(100, octal(opts.mode, 8), 8);
  put(108, octal(0, 8), 8); // uid root
  put(116, octal(0, 8), 8); // gid root
  put(124, octal(opts.size, 12), 12);
  put(136, octal(opts.mtime, 12), 12);
  put(148, "        ", 8); // checksum placeholder
  put(156, opts.type, 1);
  if (opts.linkname) put(157, opts.linkname, 100);
  put(257, "ustar\0", 6);
  put(263, "00", 2);
  put(265, "root", 32);
  put(297, "root", 32);
  let sum = 0;
  for (const b of h) sum += b;
  put(148, sum.toString(8).padStart(6, "0") + "\0 ", 8);
  return h;
}

function pad(n: number): number {
  return (BLOCK - (n % BLOCK)) % BLOCK;
}

/** A PAX record "<len> key=value\n", where len counts itself. */
function paxRecord(key: string, value: string): string {
  const body = enc.encode(` ${key}=${value}\n`).length;
  // The length prefix counts its own digits: grow until stable.
  let len = body + 1;
  while (String(len).length + body !== len) len = String(len).length + body;
  return `${len} ${key}=${value}\n`;
}

export function tar(entries: TarEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  const push = (b: Uint8Array) => { parts.push(b); total += b.length; };
  for (const e of entries) {
    const path = e.path.replace(/^\/+/, "") + (e.type === "dir" && !e.path.endsWith("/") ? "/" : "");
    const mtime = e.mtime ?? 0;
    const linkname = e.type === "symlink" ? e.target : undefined;
    const pax: string[] = [];
    if (enc.encode(path).length > 99) pax.push(paxRecord("path", path));
    if (linkname && enc.encode(linkname).length > 99) pax.push(paxRecord("linkpath", linkname));
    if (pax.length) {
      const body = enc.encode(pax.join(""));
      push(header("././@PaxHeader", { size: body.length, mode: 0o644, type: "x", mtime }));
      push(body);
      push(new Uint8Array(pad(body.length)));
    }
    if (e.type === "file") {
      const data = typeof e.data === "string" ? enc.encode(e.data) : e.data;
      push(header(path, { size: data.length, mode: e.mode ?? 0o644, type: "0", mtime }));
      push(data);
      push(new Uint8Array(pad(data.length)));
    } else if (e.type === "dir") {
      push(header(path, { size: 0, mode: e.mode ?? 0o755, type: "5", mtime }));
    } else {
      push(header(path, { size: 0, mode: 0o777, type: "2", linkname, mtime }));
    }
  }
  push(new Uint8Array(BLOCK * 2));
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) { out.set(p, off); off += p.length; }
  return out;
}
