import { command, JSON_ARG } from "../command.ts";
import { printJson } from "../output.ts";
import { Docker } from "../../runner/docker.ts";
import { buildImage } from "../../runner/image.ts";
import { DEFAULT_IMAGE } from "../../runner/sandbox/spec.ts";

export default command({
  meta: { name: "build-image", description: "build the sandbox image from this host's node, npm and busybox (no registry pull)" },
  args: {
    image: { type: "string", description: `image name (default ${DEFAULT_IMAGE})` },
    "docker-socket": { type: "string", description: "Docker Engine socket (default /var/run/docker.sock)" },
    ...JSON_ARG,
  },
  async run({ args }) {
    const docker = new Docker({ socket: args["docker-socket"] });
    await docker.ping();
    const img = await buildImage(docker, args.image || DEFAULT_IMAGE);
    if (args.json) return printJson({ name: img.name, id: img.id, size_bytes: img.sizeBytes, npm_version: img.npmVersion, allow_all_scripts: img.allowAllScripts, seconds: Number(img.seconds.toFixed(2)) });
    process.stdout.write(`built ${img.name} (${img.id.slice(7, 19)}, ${(img.sizeBytes / 1e6).toFixed(0)} MB, npm ${img.npmVersion}${img.allowAllScripts ? ", --dangerously-allow-all-scripts" : ""}) in ${img.seconds.toFixed(1)}s\n`);
  },
});
