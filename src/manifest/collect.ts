// The install manifest of a run (issue 14), taken so that nothing the
// install ran could have shaped it. The install's own container is no source:
// its scripts run as the same user as npm and can rewrite node_modules, the
// lockfiles and the index of ~/.npm/_cacache (only the cache's content blobs
// are self-verifying, and a script can add blobs of its own). So after the
// sandbox is gone the runner starts a second, fresh container from the same
// image on the same network and registry, with no bait, and runs
// `npm install <pkg>@<version> --ignore-scripts` there: npm checks every
// tarball against the registry's dist.integrity before it extracts it, and no
// installed code ever runs, so the tree, the scripts and the file hashes read
// there are the registry's published artifacts. collector.cjs reads them.
// Residual risk: a range resolved differently because a version was
// published between the two installs (the manifest names what it resolved).
import * as v from "valibot";
import { oneLine } from "../core/errors.ts";
import { InstallManifest, MANIFEST_LIMITS } from "../protocol/manifest.ts";
import type { SandboxSpec } from "../protocol/sandbox.ts";
import type { Docker } from "../runner/docker.ts";
import { PIDS_LIMIT, RUN_LABEL, RUNNER_LABEL, TMPFS_TMP, WORKDIR } from "../runner/sandbox/spec.ts";
import COLLECTOR from "./collector.cjs" with { type: "text" };
import { untarFile } from "./untar.ts";

export const MANIFEST_PATH = "/srv/manifest.json";
/** A manifest container lives at most this long (an unreachable registry makes npm retry for a minute). */
export const MANIFEST_TIMEOUT_S = 120;

export function manifestContainerName(runId: string): string {
  return `fangs-${runId}-manifest`;
}

/** The Engine API body of the manifest container: the sandbox's hardening,
 *  its network (to reach the same registry), none of its bait. */
export function manifestContainerConfig(o: { runId: string; pkg: string; version: string; spec: SandboxSpec; image: string; runnerId?: string }): Record<string, unknown> {
  const memory = o.spec.memory_mb * 1024 * 1024;
  return {
    Image: o.image,
    Cmd: ["node", "-e", COLLECTOR, o.pkg, o.version, o.spec.registry_url, MANIFEST_PATH, WORKDIR],
    WorkingDir: WORKDIR,
    User: "0:0",
    Env: ["PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/root", "USER=root", "npm_config_update_notifier=false", "npm_config_fetch_retries=1"],
    Labels: { [RUN_LABEL]: o.runId, [RUNNER_LABEL]: o.runnerId ?? "", "fangs.manifest": "1" },
    AttachStdin: false, AttachStdout: false, AttachStderr: false, Tty: false, OpenStdin: false,
    HostConfig: {
      NetworkMode: o.spec.network,
      CapDrop: ["ALL"], CapAdd: [], SecurityOpt: ["no-new-privileges:true"], Privileged: false,
      PidsLimit: PIDS_LIMIT, Memory: memory, MemorySwap: memory, NanoCpus: 1_000_000_000,
      Tmpfs: { "/tmp": TMPFS_TMP }, Binds: [], Mounts: [], Devices: [], AutoRemove: false,
      RestartPolicy: { Name: "no" }, LogConfig: { Type: "json-file", Config: { "max-size": "1m" } },
    },
  };
}

export type ManifestResult =
  | { ok: true; manifest: InstallManifest; bytes: number; ms: number }
  | { ok: false; error: string; ms: number };

/** Parse and check what the collector wrote (the runner's own edge). */
export function parseManifest(text: string): InstallManifest {
  if (text.length > MANIFEST_LIMITS.bytes) throw new Error(`manifest is ${text.length} bytes (limit ${MANIFEST_LIMITS.bytes})`);
  const r = v.safeParse(InstallManifest, JSON.parse(text));
  if (!r.success) throw new Error(`manifest: ${v.getDotPath(r.issues[0]) ?? "document"}: ${r.issues[0].message}`);
  return r.output;
}

export async function collectManifest(o: { docker: Docker; runId: string; pkg: string; version: string; spec: SandboxSpec; image: string; runnerId?: string; timeoutS?: number }): Promise<ManifestResult> {
  const t0 = performance.now();
  const ms = () => Math.round(performance.now() - t0);
  const { docker } = o;
  let id: string | undefined;
  try {
    await docker.remove(manifestContainerName(o.runId)).catch(() => {});
    id = await docker.createContainer(manifestContainerName(o.runId), manifestContainerConfig(o));
    const { exited } = await docker.waitNextExit(id);
    await docker.start(id);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((r) => { timer = setTimeout(() => r("late"), (o.timeoutS ?? MANIFEST_TIMEOUT_S) * 1000); });
    const w = await Promise.race([exited, late]);
    clearTimeout(timer);
    if (w === "late") throw new Error(`collector did not finish within ${o.timeoutS ?? MANIFEST_TIMEOUT_S}s`);
    const r = await docker.request("get archive", "GET", `/containers/${id}/archive?path=${encodeURIComponent(MANIFEST_PATH)}`, { ok: [404] });
    if (r.status === 404) {
      await r.text();
      const tail = await docker.logs(id, 5).catch(() => "");
      throw new Error(`collector wrote no manifest (exit ${w.StatusCode}): ${oneLine(tail).slice(-300)}`);
    }
    const file = untarFile(new Uint8Array(await r.arrayBuffer()), "manifest.json", MANIFEST_LIMITS.bytes);
    if (!file) throw new Error("manifest.json missing from the container archive");
    const text = new TextDecoder().decode(file);
    return { ok: true, manifest: parseManifest(text), bytes: file.length, ms: ms() };
  } catch (e) {
    return { ok: false, error: oneLine(e), ms: ms() };
  } finally {
    if (id) await docker.remove(id).catch(() => {});
  }
}
