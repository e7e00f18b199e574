// `fangs runner`: the scan-host daemon (root; needs the Docker socket, BPF and
// cgroupfs). SIGTERM/SIGINT stop the active container, remove the run's
// cgroup, deregister, exit 0.
import { hostname } from "node:os";
import { command } from "../command.ts";
import { FangsError, oneLine } from "../../core/errors.ts";
import { Docker } from "../../runner/docker.ts";
import { OrchestratorClient } from "../../client/orchestrator.ts";
import { Runner } from "../../runner/loop.ts";
import { Spool } from "../../runner/spool.ts";

const DEFAULT_SPOOL_DIR = "/var/lib/fangs/spool";
import { DEFAULT_IMAGE } from "../../runner/sandbox/spec.ts";
import { imageNodePath } from "../../runner/image.ts";
import { openSensor } from "../../sensor/sensor.ts";
import { intFlag } from "../flags.ts";

export const RUNNER_ARGS = {
  orchestrator: { type: "string", description: "orchestrator URL (default http://127.0.0.1:8443)" },
  id: { type: "string", description: "runner id (default: hostname; the certificate CN under mTLS)" },
  image: { type: "string", description: `sandbox image (default ${DEFAULT_IMAGE})` },
  token: { type: "string", description: "runner token (env FANGS_RUNNER_TOKEN)" },
  concurrency: { type: "string", description: "scans run in parallel (default 1)" },
  cert: { type: "string", description: "client certificate PEM (mTLS)" },
  key: { type: "string", description: "client private key PEM (mTLS)" },
  ca: { type: "string", description: "CA PEM that signed the orchestrator's certificate" },
  "docker-socket": { type: "string", description: "Docker Engine socket (default /var/run/docker.sock)" },
  spool: { type: "string", description: "durable outbox for event batches and end-of-run reports (default /var/lib/fangs/spool; one directory per runner id)" },
  "spool-max-mb": { type: "string", description: "size bound of the spool in MiB (default 1024); when full, batches are held in memory only" },
  "ring-bytes": { type: "string", description: "sensor ring buffer size in bytes, a power of two (default 67108864); a ring too small drops events and makes verdicts incomplete" },
} as const;

export function log(line: string): void {
  process.stderr.write(`${new Date().toISOString()} ${line}\n`);
}

export default command({
  meta: { name: "runner", description: "run the scan-host daemon: claim scans, sandbox them, stream kernel events" },
  args: RUNNER_ARGS,
  async run({ args }) {
    const concurrency = intFlag(args.concurrency, { name: "concurrency", min: 1, max: 64, example: 2 }) ?? 1;
    if ((args.cert && !args.key) || (!args.cert && args.key)) throw new FangsError("-cert and -key go together", { hint: "fangs ca issue-runner writes both" });
    const docker = new Docker({ socket: args["docker-socket"] });
    await docker.ping();
    const client = new OrchestratorClient({
      baseUrl: args.orchestrator || process.env.FANGS_ORCHESTRATOR || "http://127.0.0.1:8443",
      runnerId: args.id || hostname(),
      token: args.token || process.env.FANGS_RUNNER_TOKEN || undefined,
      tls: { cert: args.cert, key: args.key, ca: args.ca },
    });
    const image = args.image || DEFAULT_IMAGE;
    const ringBytes = args["ring-bytes"] === undefined ? undefined : Number(args["ring-bytes"]);
    if (ringBytes !== undefined && !Number.isSafeInteger(ringBytes)) throw new FangsError(`-ring-bytes must be a whole number of bytes, got ${JSON.stringify(args["ring-bytes"])}`, { hint: "e.g. -ring-bytes 67108864 (64 MiB)" });
    const sensor = openSensor({ log, ringBytes });
    // Uprobes attach per inode: the sandbox's node is the image's copy, not the host's.
    const nodeInImage = await imageNodePath(docker, image);
    if (nodeInImage) {
      const p = sensor.attachSslUprobe(nodeInImage);
      log(`sensor: SSL_ctrl uprobe on the sandbox image's node ${p.active ? "attached" : `NOT attached: ${p.detail ?? ""}`}`);
    }
    const inactive = sensor.probes.filter((p) => !p.active).map((p) => p.name);
    log(`sensor: ${sensor.probes.length - inactive.length}/${sensor.probes.length} probes attached${inactive.length ? ` (inactive: ${inactive.join(", ")})` : ""}`);
    if (!(await docker.imageInspect(image))) log(`runner: sandbox image ${image} not found: scans will fail until it exists (Try: fangs sandbox build-image -image ${image})`);
    const spoolMb = Number(args["spool-max-mb"] ?? 1024);
    if (!Number.isFinite(spoolMb) || spoolMb <= 0) throw new FangsError(`-spool-max-mb must be a positive number, got ${JSON.stringify(args["spool-max-mb"])}`);
    // The spool is per runner id: under mTLS the id is the certificate CN,
    // known only after register, so the asked-for id names it (one runner per id and host).
    const spool = new Spool(args.spool || process.env.FANGS_SPOOL || DEFAULT_SPOOL_DIR, client.runnerId, Math.round(spoolMb * 1024 * 1024), log);
    log(`runner: spool ${spool.dir} (${Math.round(spool.usedBytes / 1024)} KiB in use, bound ${spoolMb} MiB)`);
    const runner = new Runner({ client, docker, sensor, image, concurrency, log, spool });
    let stopping: Promise<void> | undefined;
    const onSignal = (sig: string) => {
      log(`runner: ${sig} received`);
      stopping ??= runner.stop().catch((e) => log(`runner: stop: ${oneLine(e)}`));
    };
    process.on("SIGTERM", () => onSignal("SIGTERM"));
    process.on("SIGINT", () => onSignal("SIGINT"));
    try {
      try {
        await runner.start();
      } catch (e) {
        if (!stopping) throw e; // SIGTERM while still registering is a clean stop
      }
      await runner.done();
      await stopping;
    } finally {
      sensor.close();
    }
    log("runner: exited cleanly");
  },
});
