// The runner <-> orchestrator protocol: HTTP(S) + JSON. Both sides import these
// schemas; the orchestrator validates every body with them (valibot) before
// anything touches the database.
//
//   POST /v1/runners/register            RegisterRequest  -> RegisterResponse
//   POST /v1/runners/:id/heartbeat       HeartbeatRequest -> { ok: true }
//   POST /v1/runners/:id/claim?wait=S    (long-poll)      -> 200 ClaimResponse | 204 nothing to do
//   POST /v1/runs/:run/events            EventBatch       -> BatchAck (idempotent per batch seq)
//   POST /v1/runs/:run/finish            FinishRequest    -> { ok: true, verdict }
//   DELETE /v1/runners/:id               deregister       -> { ok: true }
//
// Auth: mTLS (the certificate CN is the runner id) or `Authorization: Bearer
// <runner token>`. A runner may stream into and finish only runs it claimed.
// Every request after register also carries the runner id in the
// `X-Fangs-Runner` header (RUNNER_ID_HEADER): /v1/runs/:run/* paths do not name
// the runner, and without mTLS that header is how the orchestrator knows who
// is calling (under mTLS the certificate CN must match it).
import * as v from "valibot";
import { SandboxSpec } from "./sandbox.ts";
import { CATEGORIES } from "../differ/types.ts";
import { WireEvent } from "../events/types.ts";

export const RUNNER_ID_HEADER = "X-Fangs-Runner";

export const MAX_BATCH_EVENTS = 5000;
const str = (max: number) => v.pipe(v.string(), v.maxLength(max));
export const RUNNER_ID = v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, "runner id: letters, digits, . _ -"));
export const RUN_ID = v.pipe(v.string(), v.regex(/^[0-9a-f]{16}$/, "run id: 16 hex characters"));

export const ProbeStatus = v.object({
  name: str(128),
  active: v.boolean(),
  detail: v.optional(str(512)),
});
export type ProbeStatus = v.InferOutput<typeof ProbeStatus>;

export const RegisterRequest = v.object({
  id: v.optional(RUNNER_ID),
  hostname: str(255),
  version: v.optional(str(64)),
  probes: v.optional(v.pipe(v.array(ProbeStatus), v.maxLength(128)), []), // native/shim.c MAX_PROBES
  /** Runs whose end-of-run report this runner spooled before it restarted:
   *  they stay running (their batches and report follow); every other run it
   *  held is failed. */
  resume: v.optional(v.pipe(v.array(RUN_ID), v.maxLength(1024)), []),
});
export const RegisterResponse = v.object({ runner_id: RUNNER_ID, heartbeat_interval_s: v.number() });

export const HeartbeatRequest = v.object({ active_run_id: v.optional(v.nullable(RUN_ID)) });

export const ClaimResponse = v.object({
  run: v.object({ id: RUN_ID, package: str(214), version: str(256), spec: SandboxSpec }),
});
export type ClaimResponse = v.InferOutput<typeof ClaimResponse>;

/** The event shape is defined once, in src/events/types.ts (types are inferred from it). */
export { WireEvent };

export const EventBatch = v.object({
  /** Batch sequence number within the run, from 0: the idempotency key. */
  batch_seq: v.pipe(v.number(), v.integer(), v.minValue(0)),
  events: v.pipe(v.array(WireEvent), v.maxLength(MAX_BATCH_EVENTS)),
});
export type EventBatch = v.InferOutput<typeof EventBatch>;
export const BatchAck = v.object({ stored: v.number(), duplicate: v.boolean() });

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
export const FinishRequest = v.object({
  /** finished: the container exited; timed_out: hit the duration limit and was killed; failed: could not run. */
  status: v.picklist(["finished", "timed_out", "failed"]),
  exit_code: v.nullable(v.pipe(v.number(), v.integer())),
  failure_reason: v.optional(v.nullable(str(2000))),
  events_sent: v.pipe(v.number(), v.integer(), v.minValue(0)),
  events_dropped: v.pipe(v.number(), v.integer(), v.minValue(0)),
  batch_send_errors: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 0),
  /** Events the sensor delivered for the run (every seq the runner gave out):
   *  the orchestrator compares it with what it stored. */
  events_emitted: v.optional(count),
  /** events_dropped by level (src/differ/evidence.ts): any loss makes the verdict "incomplete". */
  losses: v.optional(v.object({ ringbuf: count, read: count, decode: count, unrouted: count, unacked: count })),
  timings: v.optional(v.record(str(64), v.number()), {}),
  /** The bait values planted in this run (src/runner/bait.ts), for the differ's bait-exfiltration rule. */
  bait: v.optional(v.pipe(v.array(v.pipe(v.string(), v.minLength(8), v.maxLength(256))), v.maxLength(16))),
  /** The run's project directory (src/runner/sandbox/identity.ts): the differ reads paths below it as PROJECT_DIR. */
  project_dir: v.optional(v.pipe(v.string(), v.regex(/^(?!\/(proc|sys|dev|etc|tmp|run)\/)(\/[A-Za-z0-9._-]+){2,8}$/, "an absolute path of 2 to 8 plain names, not under /proc, /sys, /dev, /etc, /tmp or /run"), v.check((p) => !p.split("/").some((s) => s === "." || s === ".."), "no . or .. in the path"), v.maxLength(256))),
  /** The image's runtime baseline as the runner's control install learned it (src/differ/runtime.ts). */
  runtime: v.optional(v.object({
    image_id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9:._-]{1,128}$/, "image id")),
    fingerprints: v.pipe(v.array(v.object({ category: v.picklist(CATEGORIES), actor: v.pipe(str(300), v.regex(/^(script:\*:|import:)/, "a runtime actor is script:*:<bin> or import:<bin>")), value: str(4096) })), v.maxLength(2000)),
  })),
});
export type FinishRequest = v.InferOutput<typeof FinishRequest>;
