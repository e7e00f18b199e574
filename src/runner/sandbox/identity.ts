// What the sandbox looks like from inside, chosen per run so a package cannot
// recognise it: a hostname of the shapes ordinary CI machines have (a Docker
// CI container, a GitLab runner, a GitHub-hosted VM, a cloud instance), no
// product name and no run id anywhere. The cgroup path is hidden by a private
// cgroup namespace (spec.ts), so /proc/self/cgroup and the cgroup mounts read "/".
// The project npm installs into (its cwd and INIT_CWD) sits where CI systems
// check code out, under a project name of the usual kind: a fixed path would
// be a tell of its own ("stay quiet when INIT_CWD is /srv/install"). The
// differ reads its paths as PROJECT_DIR (the run reports which it was).
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

const WORDS = ["web", "api", "app", "frontend", "backend", "service", "portal", "dashboard", "worker", "site", "admin", "gateway", "client", "core", "platform", "shop", "billing", "auth", "search", "docs"];
const KINDS = ["", "-app", "-service", "-ui", "-server", "-api", "-web", "-lib", "-monorepo", "-v2"];
const GROUPS = ["acme", "platform", "web-team", "infra", "payments", "mobile", "data", "growth", "internal-tools"];
const any = <T>(xs: readonly T[]): T => xs[num(0, xs.length - 1)];

const LAYOUTS: ((name: string) => string)[] = [
  (name) => `/builds/${any(GROUPS)}/${name}`, // GitLab CI
  (name) => `/__w/${name}/${name}`, // GitHub Actions, container job
  (name) => `/var/jenkins_home/workspace/${name}_${any(["main", "master", "develop", "PR-" + num(10, 999)])}`, // Jenkins
  (name) => `/workspace/${name}`, // Cloud Build, Tekton
  (name) => `/usr/src/${name}`, // the Dockerfile convention
  (name) => `/opt/atlassian/pipelines/agent/build/${name}`, // Bitbucket Pipelines
  (name) => `/root/${name}`,
  (name) => `/home/ci/${name}`,
];

export interface Identity {
  hostname: string;
  /** The project directory npm installs into: its cwd and INIT_CWD. */
  projectDir: string;
}

export function newIdentity(): Identity {
  return { hostname: any(SHAPES)(), projectDir: any(LAYOUTS)(any(WORDS) + any(KINDS)) };
}
