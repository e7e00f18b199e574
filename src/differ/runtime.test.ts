// The runtime baseline over real recordings: the control install (a script
// that does nothing) learned as `script:*:<bin>` rows, applied beneath the
// banner package when its release gains a first install script.
import { describe, expect, test } from "bun:test";
import { loadFixture } from "../../tests/fixtures/events/load.ts";
import { allowChecker } from "./allow.ts";
import { findDeviations, maxSeverity } from "./compare.ts";
import { extractFingerprints } from "./fingerprint.ts";
import { beyondRuntime, runtimeFingerprints, runtimeKey } from "./runtime.ts";
import { fingerprintKey } from "./types.ts";
import { CONTROL_PACKAGE } from "../runner/control.ts";

const fps = (name: string) => extractFingerprints(loadFixture(name));
const runtime = runtimeFingerprints(fps("real-runtime-control-1"), CONTROL_PACKAGE);
const keys = new Set(runtime.map(fingerprintKey));

describe("runtime baseline", () => {
  test("learned from the control: only its script actors, package left out, not its own files", () => {
    expect(runtime.length).toBeGreaterThan(5);
    expect(runtime.every((r) => r.actor.startsWith("script:*:"))).toBe(true);
    expect(runtime.some((r) => r.value.includes(CONTROL_PACKAGE))).toBe(false);
    expect(runtime.map((r) => `${r.actor} ${r.value}`)).toContain("script:*:sh /usr/bin/node");
    expect(runtime.map((r) => `${r.actor} ${r.value}`)).toContain("script:*:node /proc/self/maps");
  });

  test("the release that gains its first install script: 14 deviations without it (39 before the loader's library reads were folded into the exec), 5 beneath it", () => {
    const base = new Set(fps("real-banner-1.0.0-1").map(fingerprintKey));
    const allow = allowChecker([], "fangs-fixture-banner");
    expect(findDeviations(fps("real-banner-1.1.0-1"), base, allow)).toHaveLength(14);
    const d = findDeviations(beyondRuntime(fps("real-banner-1.1.0-1"), keys), base, allow);
    expect(d.map((f) => `${f.severity} ${f.actor} ${f.value}`).sort()).toEqual([
      "info script:fangs-fixture-banner:node /dev/null",
      "info script:fangs-fixture-banner:node /srv/install/node_modules/fangs-fixture-banner/banner.js",
      "info script:fangs-fixture-banner:node /srv/install/node_modules/fangs-fixture-banner/build/stamp-<n>-<n>.txt",
      "info script:fangs-fixture-banner:node /srv/install/node_modules/fangs-fixture-banner/package.json",
      "low npm /bin/sh", // the one sign that the release gained an install script
    ]);
    expect(maxSeverity(d)).toBe("low");
  });

  test("covers nothing beyond a bare start: the compromised widget keeps every finding", () => {
    const base = new Set([...fps("real-widget-1.0.0-1"), ...fps("real-widget-1.1.0-1")].map(fingerprintKey));
    const allow = allowChecker([], "fangs-fixture-widget");
    const without = findDeviations(fps("real-widget-1.2.0-1"), base, allow).filter((f) => f.rank >= 2);
    const beneath = findDeviations(beyondRuntime(fps("real-widget-1.2.0-1"), keys), base, allow).filter((f) => f.rank >= 2);
    expect(beneath).toEqual(without);
  });

  test("a poisoned runtime row (a compromised runner) covers nothing above low", () => {
    const npmrc = { category: "fs_new_path_read" as const, actor: "script:evil:node", value: "/root/.npmrc" };
    const curl = { category: "proc_new_exec" as const, actor: "script:evil:node", value: "/usr/bin/curl" };
    const libc = { category: "fs_new_path_read" as const, actor: "script:evil:node", value: "/lib/x86_64-linux-gnu/libc.so.6" };
    const poisoned = new Set([npmrc, curl, libc].map((f) => runtimeKey(f)!));
    expect(beyondRuntime([npmrc, curl, libc], poisoned)).toEqual([npmrc, curl]);
  });

  test("npm's and the runtime's own actors never match a runtime row; cut paths are never covered", () => {
    expect(runtimeKey({ category: "fs_new_path_read", actor: "npm", value: "/etc/ld.so.cache" })).toBeUndefined();
    const cut = { category: "fs_new_path_read" as const, actor: "script:x:node", value: "<truncated> /etc/ld.so.cache" };
    expect(beyondRuntime([cut], new Set([runtimeKey(cut)!]))).toEqual([cut]);
  });
});
