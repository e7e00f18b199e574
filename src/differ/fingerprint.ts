// Events → fingerprints. Pure: the caller reads events and stores results.
import type { FangsEvent } from "../events/types.ts";
import { ActorResolver, NPM_ACTOR } from "./actors.ts";
import { endpointValue, normalizeHost, normalizePath } from "./normalize.ts";
import { fingerprintKey, type Category, type Fingerprint } from "./types.ts";

/** npm extracting and reading package files is npm doing its job: not compared. */
function npmHousekeeping(actor: string, path: string): boolean {
  return actor === NPM_ACTOR && (path.includes("/node_modules/") || path.startsWith("node_modules/"));
}

/**
 * Reduce a run's events to its distinct fingerprints, each with the seq of
 * the first event that produced it. Events are taken in seq order.
 */
export function extractFingerprints(events: readonly FangsEvent[]): Fingerprint[] {
  const sorted = isSorted(events) ? events : [...events].sort((a, b) => a.seq - b.seq);
  const actors = new ActorResolver(sorted);
  const out = new Map<string, Fingerprint>();
  const add = (category: Category, actor: string, value: string, seq: number) => {
    if (!value) return;
    const k = fingerprintKey({ category, actor, value });
    if (!out.has(k)) out.set(k, { category, actor, value, evidenceSeq: seq });
  };
  // The binary each pid ran before its latest event: an exec is the act of
  // the image that called it. sys_enter_execve reports that image itself;
  // sched_process_exec already reports the new one.
  const lastExe = new Map<number, string>();
  for (const e of sorted) {
    switch (e.kind) {
      case "exec": {
        const before = e.source === "sched_process_exec" ? (lastExe.get(e.pid) ?? e.ancestry[0]?.exe ?? e.exe) : e.exe;
        const actor = actors.isScriptSpawn(e) ? NPM_ACTOR : actors.actorOf({ pid: e.pid, exe: before, comm: e.comm });
        // Failed attempts (ENOENT along PATH) count too: trying curl is news.
        add("proc_new_exec", actor, normalizePath(e.filename), e.seq);
        if (e.source === "sched_process_exec") {
          lastExe.set(e.pid, e.exe);
          continue;
        }
        break;
      }
      case "file": {
        const actor = actors.actorOf(e);
        if (npmHousekeeping(actor, e.path)) break;
        add(e.access === "read" ? "fs_new_path_read" : "fs_new_path_write", actor, normalizePath(e.path), e.seq);
        break;
      }
      case "connect":
        add("net_new_destination", actors.actorOf(e), endpointValue(e.family, e.address, e.port, e.proto), e.seq);
        break;
      case "listen":
        add("net_new_listen", actors.actorOf(e), endpointValue(e.family, e.address, e.port, e.proto), e.seq);
        break;
      case "dns":
        add("net_new_dns_name", actors.actorOf(e), normalizeHost(e.qname), e.seq);
        break;
      case "tls":
        add("net_new_https_host", actors.actorOf(e), normalizeHost(e.sni), e.seq);
        break;
    }
    if (e.exe) lastExe.set(e.pid, e.exe);
  }
  return [...out.values()];
}

function isSorted(events: readonly FangsEvent[]): boolean {
  for (let i = 1; i < events.length; i++) if (events[i - 1].seq > events[i].seq) return false;
  return true;
}
