// What the sandbox looks like from inside, chosen per run so a package cannot
// recognise it: a hostname of the shapes ordinary CI machines have (a Docker
// CI container, a GitLab runner, a GitHub-hosted VM, a cloud instance), no
// product name and no run id anywhere. The cgroup path is hidden by a private
// cgroup namespace (spec.ts), so /proc/self/cgroup and the cgroup mounts read "/".
const HEX = "0123456789abcdef";
const ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";

function pick(alphabet: string, n: number): string {
  let s = "";
  for (const b of crypto.getRandomValues(new Uint8Array(n))) s += alphabet[b % alphabet.length];
  return s;
}
function num(lo: number, hi: number): number {
  return lo + (crypto.getRandomValues(new Uint32Array(1))[0] % (hi - lo + 1));
}

const SHAPES: (() => string)[] = [
  () => pick(HEX, 12), // a container's short id: what `docker run` gives every CI job
  () => `runner-${pick(ALNUM, 8)}-project-${num(1000, 99999)}-concurrent-${num(0, 3)}`,
  () => `fv-az${num(100, 999)}-${num(100, 999)}`,
  () => `ip-172-${num(16, 31)}-${num(0, 255)}-${num(1, 254)}`,
  () => `build-${pick(ALNUM, 5)}-${pick(ALNUM, 5)}`,
];

export interface Identity {
  hostname: string;
}

export function newIdentity(): Identity {
  return { hostname: SHAPES[num(0, SHAPES.length - 1)]() };
}
