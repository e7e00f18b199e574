// Bait: what a credential stealer looks for, planted in every sandbox so its
// read (and whatever it does next) shows in the events. Every run gets its
// own values (newBait), reported to the orchestrator with the run's finish,
// so a captured string that contains one (a DNS label, a path, argv, an SNI)
// proves this run's install sent it somewhere (src/differ/bait.ts). They look
// like real tokens (no constant marker a stealer could filter on) and grant
// access to nothing: random characters, a .example registry, a filler key.
import { tar, type TarEntry } from "./tar.ts";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function random(n: number, alphabet = ALNUM): string {
  const bytes = crypto.getRandomValues(new Uint8Array(n));
  let s = "";
  for (const b of bytes) s += alphabet[b % alphabet.length];
  return s;
}

/** One run's bait values (each unique to the run). */
export interface Bait {
  npm_token: string;
  github_token: string;
  aws_access_key_id: string;
  aws_secret_access_key: string;
  /** The random line inside the fake SSH key's body. */
  ssh_key_body: string;
}

export function newBait(): Bait {
  return {
    npm_token: `npm_${random(36)}`,
    github_token: `ghp_${random(36)}`,
    aws_access_key_id: `AKIA${random(16, B32)}`,
    aws_secret_access_key: random(40),
    ssh_key_body: random(64),
  };
}

/** The values the differ looks for (what the orchestrator stores with the run). */
export function baitValues(b: Bait): string[] {
  return [b.npm_token, b.github_token, b.aws_access_key_id, b.aws_secret_access_key, b.ssh_key_body];
}

/** Fake cloud credentials in the sandbox's environment. */
export function baitEnv(b: Bait): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: b.aws_access_key_id,
    AWS_SECRET_ACCESS_KEY: b.aws_secret_access_key,
    AWS_DEFAULT_REGION: "us-east-1",
    GITHUB_TOKEN: b.github_token,
    NPM_TOKEN: b.npm_token,
  };
}

// A syntactically plausible OpenSSH key block whose body is filler, not a key.
function fakeSshKey(b: Bait): string {
  return [
    "-----BEGIN OPENSSH PRIVATE KEY-----",
    b.ssh_key_body.padEnd(70, "A"),
    ...Array.from({ length: 5 }, (_, i) => ("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ" + i).padEnd(70, "A")),
    "-----END OPENSSH PRIVATE KEY-----",
    "",
  ].join("\n");
}

/** Files planted under / before the container starts (owner root). */
export function baitFiles(b: Bait): TarEntry[] {
  return [
    { type: "dir", path: "root", mode: 0o700 },
    // Scoped to a .example registry: a real registry must not see a bogus token
    // (it would fail the install), a stealer reads the whole file anyway.
    { type: "file", path: "root/.npmrc", mode: 0o600, data: `@corp:registry=https://npm.corp.example/\n//npm.corp.example/:_authToken=${b.npm_token}\n` },
    { type: "dir", path: "root/.ssh", mode: 0o700 },
    { type: "file", path: "root/.ssh/id_rsa", mode: 0o600, data: fakeSshKey(b) },
    { type: "file", path: "root/.ssh/id_rsa.pub", mode: 0o644, data: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ deploy@build.example\n" },
    { type: "dir", path: "root/.aws", mode: 0o700 },
    { type: "file", path: "root/.aws/credentials", mode: 0o600, data: `[default]\naws_access_key_id = ${b.aws_access_key_id}\naws_secret_access_key = ${b.aws_secret_access_key}\n` },
  ];
}

export function baitTar(b: Bait): Uint8Array {
  return tar(baitFiles(b));
}
