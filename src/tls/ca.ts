// Built-in certificate tooling, so operators need no openssl recipes: one CA
// per deployment signs the orchestrator's server certificate and one client
// certificate per runner host (the CN is the runner identity; per-host certs
// let one compromised host be replaced without re-keying the others).
//
// Keys are ECDSA P-256: Bun's TLS (BoringSSL) and every client accept it, and
// WebCrypto can make it. Lifetimes: CA 5 years, leaves at most 1 year.
import type * as X509 from "@peculiar/x509";
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { isIP } from "node:net";
import { FangsError } from "../core/errors.ts";
import { RUNNER_ID } from "../protocol/runner.ts";
import * as v from "valibot";

// @peculiar/x509 (via tsyringe) needs the reflect-metadata polyfill installed
// before it loads. A static import cannot guarantee that order inside the
// compiled executable (the bundler evaluates CommonJS wrappers lazily), so the
// library is loaded on first use, after the polyfill.
let lib: typeof X509 | undefined;
async function load(): Promise<typeof X509> {
  if (!lib) {
    await import("reflect-metadata");
    lib = await import("@peculiar/x509");
  }
  return lib;
}

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY = 86_400_000;
export const CA_DAYS = 5 * 365 + 1;
export const LEAF_MAX_DAYS = 365;
export const DEFAULT_CA_DIR = "var/lib/fangs/ca";

export const caPaths = (dir: string) => ({ cert: join(dir, "ca.crt"), key: join(dir, "ca.key") });
export const serverPaths = (dir: string) => ({ cert: join(dir, "server.crt"), key: join(dir, "server.key") });
export const runnerPaths = (dir: string, name: string) => ({ cert: join(dir, "runners", `${name}.crt`), key: join(dir, "runners", `${name}.key`) });

export interface Issued { cert: string; key: string; notAfter: Date }

function serial(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[0] &= 0x7f; // DER INTEGER must stay positive
  b[0] |= 0x01; // and keep its full length
  return Buffer.from(b).toString("hex");
}

async function newKeys(): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as CryptoKeyPair;
}

async function keyPem(k: CryptoKey): Promise<string> {
  const der = Buffer.from(await crypto.subtle.exportKey("pkcs8", k)).toString("base64");
  return `-----BEGIN PRIVATE KEY-----\n${der.match(/.{1,64}/g)!.join("\n")}\n-----END PRIVATE KEY-----\n`;
}

/** Write a file, private keys 0600 (chmod too: an existing file keeps its mode on overwrite). */
function writeOut(path: string, text: string, mode: number): void {
  writeFileSync(path, text, { mode });
  chmodSync(path, mode);
}

function refuseOverwrite(paths: string[], what: string, force: boolean): void {
  if (force) return;
  const there = paths.filter((p) => existsSync(p));
  if (there.length) throw new FangsError(`${what} already exists at ${there[0]}`, { hint: "pass -force to replace it, or use another -dir" });
}

function checkDays(days: number, max: number): void {
  if (!Number.isInteger(days) || days < 1 || days > max) throw new FangsError(`-days must be an integer from 1 to ${max} (got ${days})`);
}

/** `fangs ca init`: a new CA key + self-signed certificate in dir. */
export async function initCa(dir: string, opts: { cn?: string; force?: boolean; now?: Date } = {}): Promise<Issued> {
  const x509 = await load();
  const p = caPaths(dir);
  refuseOverwrite([p.cert, p.key], "a CA", !!opts.force);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keys = await newKeys();
  const now = opts.now ?? new Date();
  const notAfter = new Date(now.getTime() + CA_DAYS * DAY);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: [{ CN: [opts.cn ?? "FANGS CA"] }, { O: ["FANGS"] }],
    notBefore: new Date(now.getTime() - 5 * 60_000), // tolerate small clock skew
    notAfter,
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true), // signs leaves only
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const out = { cert: cert.toString("pem") + "\n", key: await keyPem(keys.privateKey), notAfter };
  writeOut(p.key, out.key, 0o600);
  writeOut(p.cert, out.cert, 0o644);
  return out;
}

async function loadCa(dir: string): Promise<{ cert: X509.X509Certificate; key: CryptoKey }> {
  const x509 = await load();
  const p = caPaths(dir);
  if (!existsSync(p.cert) || !existsSync(p.key)) throw new FangsError(`no CA in ${dir}`, { hint: `create one with: fangs ca init -dir ${dir}` });
  try {
    const cert = new x509.X509Certificate(readFileSync(p.cert, "utf8"));
    const der = x509.PemConverter.decodeFirst(readFileSync(p.key, "utf8"));
    const key = await crypto.subtle.importKey("pkcs8", der, ALG, false, ["sign"]);
    return { cert, key };
  } catch (e) {
    throw new FangsError(`cannot read the CA in ${dir}: ${(e as Error).message}`, { hint: "is it a CA made by fangs ca init (ECDSA P-256)?" });
  }
}

async function issueLeaf(dir: string, o: { cn: string; usage: "server" | "client"; sans: X509.JsonGeneralName[]; days: number; now?: Date }): Promise<Issued> {
  const x509 = await load();
  checkDays(o.days, LEAF_MAX_DAYS);
  const ca = await loadCa(dir);
  const keys = await newKeys();
  const now = o.now ?? new Date();
  // A leaf never outlives the CA that signed it.
  const notAfter = new Date(Math.min(now.getTime() + o.days * DAY, ca.cert.notAfter.getTime()));
  const eku = o.usage === "server" ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth;
  const extensions: X509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([eku], false),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(ca.cert, false),
  ];
  if (o.sans.length) extensions.push(new x509.SubjectAlternativeNameExtension(o.sans, false));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: [{ CN: [o.cn] }, { O: ["FANGS"] }],
    issuer: ca.cert.subjectName,
    notBefore: new Date(now.getTime() - 5 * 60_000),
    notAfter,
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: ca.key,
    extensions,
  });
  return { cert: cert.toString("pem") + "\n", key: await keyPem(keys.privateKey), notAfter };
}

const HOST = /^(?=.{1,253}$)[A-Za-z0-9*]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?$/;

/** SAN entries for a server name: IP addresses as iPAddress, names as dNSName. */
export function serverSans(hosts: string[]): X509.JsonGeneralName[] {
  return [...new Set(hosts)].map((h) => {
    const bare = h.replace(/^\[|\]$/g, "");
    if (isIP(bare)) return { type: "ip", value: bare } as const;
    if (!HOST.test(h)) throw new FangsError(`not a host name or IP address: ${JSON.stringify(h)}`, { hint: "fangs ca issue-server orchestrator.example.org -san 127.0.0.1" });
    return { type: "dns", value: h.toLowerCase() } as const;
  });
}

/** `fangs ca issue-server HOST`: server.crt/server.key in dir, SANs HOST + extra. */
export async function issueServer(dir: string, host: string, opts: { sans?: string[]; days?: number; force?: boolean; now?: Date } = {}): Promise<Issued & { paths: { cert: string; key: string } }> {
  const sans = serverSans([host, ...(opts.sans ?? [])]);
  const p = serverPaths(dir);
  refuseOverwrite([p.cert, p.key], "a server certificate", !!opts.force);
  const out = await issueLeaf(dir, { cn: host, usage: "server", sans, days: opts.days ?? LEAF_MAX_DAYS, now: opts.now });
  writeOut(p.key, out.key, 0o600);
  writeOut(p.cert, out.cert, 0o644);
  return { ...out, paths: p };
}

/** `fangs ca issue-runner NAME`: runners/NAME.crt/.key in dir; NAME becomes the runner id (the CN). */
export async function issueRunner(dir: string, name: string, opts: { days?: number; force?: boolean; now?: Date } = {}): Promise<Issued & { paths: { cert: string; key: string } }> {
  if (!v.is(RUNNER_ID, name)) throw new FangsError(`invalid runner name ${JSON.stringify(name)}: letters, digits, . _ - (up to 128)`, { hint: "fangs ca issue-runner scan-01" });
  const p = runnerPaths(dir, name);
  refuseOverwrite([p.cert, p.key], `a certificate for runner ${name}`, !!opts.force);
  const out = await issueLeaf(dir, { cn: name, usage: "client", sans: [], days: opts.days ?? LEAF_MAX_DAYS, now: opts.now });
  mkdirSync(join(dir, "runners"), { recursive: true, mode: 0o700 });
  writeOut(p.key, out.key, 0o600);
  writeOut(p.cert, out.cert, 0o644);
  return { ...out, paths: p };
}

/** What a certificate says, for tests and `fangs doctor`-style checks. */
export async function describeCert(pem: string): Promise<{ cn: string; issuerCn: string; sans: string[]; notBefore: Date; notAfter: Date; isCa: boolean; keyAlg: string; serial: string }> {
  const x509 = await load();
  const c = new x509.X509Certificate(pem);
  const san = c.getExtension(x509.SubjectAlternativeNameExtension);
  const bc = c.getExtension(x509.BasicConstraintsExtension);
  return {
    cn: c.subjectName.getField("CN")[0] ?? "",
    issuerCn: c.issuerName.getField("CN")[0] ?? "",
    sans: san ? san.names.toJSON().map((n) => `${n.type}:${n.value}`) : [],
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    isCa: !!bc?.ca,
    serial: c.serialNumber.toLowerCase().replace(/^0+(?=.)/, ""),
    keyAlg: `${c.publicKey.algorithm.name}/${(c.publicKey.algorithm as { namedCurve?: string }).namedCurve ?? ""}`,
  };
}
