// The one place that decides what a sandbox container is. Every hardening
// field of the threat model is set here, and spec.test.ts asserts each one:
// a change to the sandbox's shape is a change to this file and its test.
import type { SandboxSpec } from "../../protocol/sandbox.ts";
import { baitEnv, type Bait } from "../bait.ts";
import { newIdentity, type Identity } from "./identity.ts";
import { SECCOMP_OPT } from "./seccomp.ts";
import { INIT_PROGRAM } from "./init.ts";

export const DEFAULT_IMAGE = "fangs-sandbox:latest";
export const RUN_LABEL = "fangs.run";
export const RUNNER_LABEL = "fangs.runner";
export const PIDS_LIMIT = 256;
export const NANO_CPUS = 1_000_000_000;
export const TMPFS_TMP = "rw,noexec,nosuid,nodev,size=256m";
/**
 * What of the filesystem the sandbox may write, and where what it writes may
 * run. The image (/usr, /etc, /bin, …) is read-only: nothing an install does
 * replaces a system binary or library. /tmp, /var/tmp and /run are tmpfs
 * mounted noexec: a payload dropped there cannot be executed or mmapped
 * executable. HOME (/root: npm's cache, node-gyp's headers, the bait), /srv
 * (where the runner plants files) and the run's project directory
 * (identity.ts) are per-run anonymous volumes, removed with the
 * container; they stay executable because an install exists to place code
 * there and run it (node_modules/.bin, lifecycle scripts, addons built by
 * node-gyp are dlopen()ed).
 */
export const TMPFS = { "/tmp": TMPFS_TMP, "/var/tmp": TMPFS_TMP, "/run": "rw,noexec,nosuid,nodev,size=16m" };
/** The writable, executable places (anonymous volumes), and where the runner plants files before start. */
export const WRITABLE_DIRS = ["/root", "/srv"];
export const ULIMITS = [
  { Name: "nofile", Soft: 4096, Hard: 4096 },
  { Name: "nproc", Soft: 512, Hard: 512 },
  { Name: "fsize", Soft: 1 << 30, Hard: 1 << 30 },
];
/** Where the manifest container (src/manifest/collect.ts) installs; the
 *  sandbox's project directory is chosen per run (identity.ts). */
export const WORKDIR = "/srv/install";

export interface NpmFeatures {
  /** npm 11's allowScripts policy knows --dangerously-allow-all-scripts. */
  allowAllScripts: boolean;
}

export interface SandboxInput {
  runId: string;
  pkg: string;
  version: string;
  spec: SandboxSpec;
  image: string;
  npm: NpmFeatures;
  /** Which runner owns the container: orphan cleanup touches only its own. */
  runnerId?: string;
  /** This run's bait (bait.ts). */
  bait: Bait;
  /** What `npm install` is given instead of pkg@version (the runtime control's planted tarball). */
  target?: string;
  /** How the sandbox looks from inside (identity.ts); a fresh one when absent. */
  identity?: Identity;
}

export function containerName(runId: string): string {
  return `fangs-${runId}`;
}

/** argv of the install: scripts must actually run, in the foreground so their
 *  output lands in the container log. */
export function installCommand(pkg: string, version: string, registry: string, npm: NpmFeatures, target?: string): string[] {
  return [
    "npm", "install", target ?? `${pkg}@${version}`,
    "--registry", registry,
    "--foreground-scripts",
    ...(npm.allowAllScripts ? ["--dangerously-allow-all-scripts"] : []),
    "--no-audit", "--no-fund", "--no-update-notifier", "--loglevel", "notice",
  ];
}

/** Seconds past its duration a sandbox may live when its runner is gone. */
export const DEADLINE_GRACE_S = 15;

/** The container's PID 1 (init.ts): the install, observed until quiet, then
 *  the import phase, with its own deadline (duration + grace). */
export { INIT_PROGRAM } from "./init.ts";

/** Arguments of the PID 1 program before the install command (init.ts):
 *  deadline, the package to load in the import phase ("": none, a name npm never gives), its wait. */
export function initArgs(spec: SandboxSpec, pkg: string): string[] {
  // The runtime control (a planted tarball) is loaded like any package: it
  // teaches the runtime baseline node's own start-up under the import phase.
  const load = spec.import_phase === false ? "" : pkg;
  return [String(deadlineS(spec)), load, String(spec.import_wait_s ?? 5)];
}

export function deadlineS(spec: SandboxSpec): number {
  return Math.ceil(spec.duration_s) + DEADLINE_GRACE_S;
}

/** The Engine API body for POST /containers/create. */
export function containerConfig(input: SandboxInput): Record<string, unknown> {
  const { spec } = input;
  const memory = spec.memory_mb * 1024 * 1024;
  const identity = input.identity ?? newIdentity();
  return {
    Image: input.image,
    // Docker refuses a hostname with network container:<name> (the sandbox
    // then has that container's, e.g. the sealed registry's): set it otherwise.
    ...(spec.network.startsWith("container:") ? {} : { Hostname: identity.hostname }),
    Cmd: ["node", "-e", INIT_PROGRAM, ...initArgs(spec, input.pkg), ...installCommand(input.pkg, input.version, spec.registry_url, input.npm, input.target)],
    WorkingDir: identity.projectDir,
    User: "0:0",
    Env: [
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "HOME=/root",
      "NODE_ENV=production",
      "npm_config_update_notifier=false",
      ...Object.entries(baitEnv(input.bait)).map(([k, v]) => `${k}=${v}`),
    ],
    Labels: { [RUN_LABEL]: input.runId, [RUNNER_LABEL]: input.runnerId ?? "", "fangs.package": input.pkg, "fangs.version": input.version },
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    OpenStdin: false,
    HostConfig: {
      CgroupParent: `/fangs/${input.runId}`,
      // Its own cgroup namespace: /proc/self/cgroup and the cgroup mounts read
      // "/" inside, not the host path that names the product and the run.
      CgroupnsMode: "private",
      NetworkMode: spec.network,
      CapDrop: ["ALL"],
      CapAdd: [],
      SecurityOpt: ["no-new-privileges:true", SECCOMP_OPT],
      Privileged: false,
      PidsLimit: PIDS_LIMIT,
      Memory: memory,
      MemorySwap: memory, // no swap: the limit is the limit
      NanoCpus: NANO_CPUS,
      Ulimits: ULIMITS,
      Tmpfs: TMPFS,
      ReadonlyRootfs: true,
      Binds: [],
      Mounts: [...WRITABLE_DIRS, identity.projectDir].map((Target) => ({ Type: "volume", Target })),
      Devices: [],
      VolumesFrom: [],
      PublishAllPorts: false,
      AutoRemove: false, // the runner reads the exit state first, then removes
      RestartPolicy: { Name: "no" },
      LogConfig: { Type: "json-file", Config: { "max-size": "1m" } },
    },
  };
}
