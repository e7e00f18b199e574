// The runtime control: an install whose lifecycle script does nothing (npm
// starts `sh -c "node control.js"`, node starts and exits). Run once per
// sandbox image id, before that image's first scan; its fingerprints are the
// image's runtime baseline (src/differ/runtime.ts), reported to the
// orchestrator with every finish of a run on that image. The tarball is
// planted in the container, so the control needs no registry and no network.
import { gzipSync } from "node:zlib";
import { tar, type TarEntry } from "./tar.ts";

export const CONTROL_PACKAGE = "fangs-runtime-control";
const DIR = "srv/fangs-control";
const FILE = `${CONTROL_PACKAGE}-1.0.0.tgz`;

function tarball(): Uint8Array {
  const pkg = { name: CONTROL_PACKAGE, version: "1.0.0", description: "FANGS runtime control: a lifecycle script that does nothing", license: "MIT", main: "control.js", scripts: { postinstall: "node control.js" } };
  return gzipSync(tar([
    { type: "dir", path: "package" },
    { type: "file", path: "package/package.json", data: JSON.stringify(pkg, null, 2) + "\n" },
    { type: "file", path: "package/control.js", data: "// nothing: the runtime's own start and exit are what is learned\n" },
  ]));
}

/** What runSandbox plants and installs for the control. */
export function controlPlant(): { target: string; files: TarEntry[] } {
  return {
    target: `/${DIR}/${FILE}`,
    files: [{ type: "dir", path: DIR }, { type: "file", path: `${DIR}/${FILE}`, data: tarball() }],
  };
}
