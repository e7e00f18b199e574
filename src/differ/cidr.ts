// IPv4/IPv6 addresses and CIDR blocks as numbers, for allowlist matching.
export interface Cidr { v: 4 | 6; base: bigint; bits: number }

function parseV4(s: string): bigint | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  let n = 0n;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) return undefined;
    n = (n << 8n) | BigInt(o);
  }
  return n;
}

function parseV6(s: string): bigint | undefined {
  if (!/^[0-9a-f:.]+$/i.test(s) || !s.includes(":")) return undefined;
  let str = s;
  // Embedded IPv4 tail (::ffff:1.2.3.4).
  const v4 = /:(\d+\.\d+\.\d+\.\d+)$/.exec(str);
  if (v4) {
    const n = parseV4(v4[1]);
    if (n === undefined) return undefined;
    str = str.slice(0, v4.index + 1) + ((n >> 16n) & 0xffffn).toString(16) + ":" + (n & 0xffffn).toString(16);
  }
  const halves = str.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return undefined;
  const groups = [...head, ...Array(halves.length === 2 ? fill : 0).fill("0"), ...tail];
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return n;
}

/** Parse an address; IPv4-mapped IPv6 (::ffff:a.b.c.d) is reported as IPv4. */
export function parseIp(s: string): { v: 4 | 6; n: bigint } | undefined {
  const a = parseV4(s);
  if (a !== undefined) return { v: 4, n: a };
  const b = parseV6(s.replace(/^\[|\]$/g, "").replace(/%.*$/, ""));
  if (b === undefined) return undefined;
  if (b >> 32n === 0xffffn) return { v: 4, n: b & 0xffffffffn };
  return { v: 6, n: b };
}

/** Parse `a.b.c.d/n`, `x::/n`, or a bare address (a /32 or /128). */
export function parseCidr(s: string): Cidr | undefined {
  const [addr, len, extra] = s.trim().split("/");
  if (extra !== undefined) return undefined;
  const ip = parseIp(addr);
  if (!ip) return undefined;
  const max = ip.v === 4 ? 32 : 128;
  const bits = len === undefined ? max : /^\d{1,3}$/.test(len) ? Number(len) : NaN;
  if (!(bits >= 0 && bits <= max)) return undefined;
  const shift = BigInt(max - bits);
  return { v: ip.v, base: (ip.n >> shift) << shift, bits };
}

export function cidrContains(c: Cidr, ip: { v: 4 | 6; n: bigint }): boolean {
  if (c.v !== ip.v) return false;
  const shift = BigInt((c.v === 4 ? 32 : 128) - c.bits);
  return ip.n >> shift === c.base >> shift;
}
