// Bait: what a credential stealer looks for, planted in every sandbox so its
// read (and whatever it does next) shows in the events. All values are fake and
// say so; none grants access to anything. The strongest peer does the same.
import { tar, type TarEntry } from "./tar.ts";

export const BAIT_NPM_TOKEN = "npm_FANGSBAITfakeTOKENdoNOTuse0000000000";

/** Fake cloud credentials in the sandbox's environment. */
export const BAIT_ENV: Record<string, string> = {
  AWS_ACCESS_KEY_ID: "AKIAFANGSBAIT0000000",
  AWS_SECRET_ACCESS_KEY: "fangsBaitFakeSecretKey/doNotUse/00000000000",
  AWS_DEFAULT_REGION: "us-east-1",
  GITHUB_TOKEN: "ghp_FANGSBAITfakeTokenDoNotUse000000000",
  NPM_TOKEN: BAIT_NPM_TOKEN,
};

// A syntactically plausible OpenSSH key block whose body is filler, not a key.
const FAKE_SSH_KEY = [
  "-----BEGIN OPENSSH PRIVATE KEY-----",
  ...Array.from({ length: 6 }, (_, i) => ("RkFOR1MtQkFJVC1GQUtFLUtFWS1ETy1OT1QtVVNF" + i).padEnd(70, "A")),
  "-----END OPENSSH PRIVATE KEY-----",
  "",
].join("\n");

/** Files planted under / before the container starts (owner root). */
export function baitFiles(): TarEntry[] {
  return [
    { type: "dir", path: "root", mode: 0o700 },
    // Scoped to a .example registry: a real registry must not see a bogus token
    // (it would fail the install), a stealer reads the whole file anyway.
    { type: "file", path: "root/.npmrc", mode: 0o600, data: `@corp:registry=https://npm.corp.example/\n//npm.corp.example/:_authToken=${BAIT_NPM_TOKEN}\n` },
    { type: "dir", path: "root/.ssh", mode: 0o700 },
    { type: "file", path: "root/.ssh/id_rsa", mode: 0o600, data: FAKE_SSH_KEY },
    { type: "file", path: "root/.ssh/id_rsa.pub", mode: 0o644, data: "ssh-rsa RkFOR1MtQkFJVA== deploy@build.example\n" },
    { type: "dir", path: "root/.aws", mode: 0o700 },
    { type: "file", path: "root/.aws/credentials", mode: 0o600, data: `[default]\naws_access_key_id = ${BAIT_ENV.AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${BAIT_ENV.AWS_SECRET_ACCESS_KEY}\n` },
  ];
}

export function baitTar(): Uint8Array {
  return tar(baitFiles());
}
