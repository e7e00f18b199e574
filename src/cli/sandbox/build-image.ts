import { command, JSON_ARG } from "../command.ts";
import { printJson, safe } from "../output.ts";
import { Docker } from "../../runner/docker.ts";
import { buildImage } from "../../runner/image.ts";
import { DEBIAN_PACKAGES } from "../../runner/image_debian.ts";
import { DEFAULT_IMAGE } from "../../runner/sandbox/spec.ts";

export default command({
  meta: {
    name: "build-image",
    description: `build the sandbox image on this host, nothing pulled from a registry: by default a Debian bookworm userland from this host's apt mirror (mmdebstrap; ${DEBIAN_PACKAGES.join(", ")}) with this host's node, npm and node's headers, built once per recipe and reused; -minimal builds the small busybox image instead`,
  },
  args: {
    image: { type: "string", description: `image name (default ${DEFAULT_IMAGE})` },
    minimal: { type: "boolean", description: "the minimal image: this host's node, npm and busybox only (~2 s to build, ~120 MB; installs that need python3/make/g++/git take another path than in the wild)" },
    rebuild: { type: "boolean", description: "build the Debian image again even when this recipe's image exists (e.g. to take the mirror's security updates)" },
    "docker-socket": { type: "string", description: "Docker Engine socket (default /var/run/docker.sock)" },
    ...JSON_ARG,
  },
  async run({ args }) {
    const docker = new Docker({ socket: args["docker-socket"] });
    await docker.ping();
    const img = await buildImage(docker, args.image || DEFAULT_IMAGE, {
      flavor: args.minimal ? "minimal" : "debian",
      rebuild: !!args.rebuild,
      progress: (line) => process.stderr.write(`build-image: ${safe(line)}\n`),
    });
    if (args.json) {
      return printJson({ name: img.name, id: img.id, flavor: img.flavor, recipe: img.recipe ?? null, cached: img.cached, size_bytes: img.sizeBytes, npm_version: img.npmVersion, allow_all_scripts: img.allowAllScripts, seconds: Number(img.seconds.toFixed(2)) });
    }
    const how = img.cached ? `reused recipe ${img.recipe}` : `built in ${img.seconds.toFixed(1)}s`;
    process.stdout.write(`${img.name}: ${img.flavor} (${img.id.slice(7, 19)}, ${(img.sizeBytes / 1e6).toFixed(0)} MB, npm ${img.npmVersion}${img.allowAllScripts ? ", --dangerously-allow-all-scripts" : ""}) ${how}\n`);
  },
});
