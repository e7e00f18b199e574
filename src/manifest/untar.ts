// Read one regular file out of a tar stream (what the Engine API's
// GET /containers/{id}/archive returns): ustar headers, PAX long names.
// Bounded: a member larger than `maxBytes` is an error, not an allocation.
const dec = new TextDecoder();

function field(h: Uint8Array, off: number, len: number): string {
  const s = dec.decode(h.subarray(off, off + len));
  const nul = s.indexOf("\0");
  return nul < 0 ? s : s.slice(0, nul);
}

export function untarFile(tar: Uint8Array, want: string, maxBytes: number): Uint8Array | undefined {
  let off = 0;
  let paxPath: string | undefined;
  while (off + 512 <= tar.length) {
    const h = tar.subarray(off, off + 512);
    if (h.every((b) => b === 0)) return undefined;
    const name = paxPath ?? ((field(h, 345, 155) ? field(h, 345, 155) + "/" : "") + field(h, 0, 100));
    const size = parseInt(field(h, 124, 12).trim() || "0", 8);
    const type = String.fromCharCode(h[156] || 48);
    if (!Number.isFinite(size) || size < 0) throw new Error(`tar: bad size in header at ${off}`);
    const body = off + 512;
    const next = body + Math.ceil(size / 512) * 512;
    if (next > tar.length + 512) throw new Error("tar: truncated member");
    paxPath = undefined;
    if (type === "x") {
      const m = /\d+ path=([^\n]*)\n/.exec(dec.decode(tar.subarray(body, body + size)));
      paxPath = m?.[1];
    } else if ((type === "0" || type === "\0") && name.replace(/^\.?\//, "") === want) {
      if (size > maxBytes) throw new Error(`${want} is ${size} bytes (limit ${maxBytes})`);
      return tar.slice(body, body + size);
    }
    off = next;
  }
  return undefined;
}
